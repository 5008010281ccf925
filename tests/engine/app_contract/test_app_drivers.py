"""Staging's DATABASE_URL, as the real engine put it in the rehearsal's state, in the hands of the app's own
drivers: node-postgres connects over verified TLS and refuses a server whose certificate comes from a CA it was
not given; node-pg-migrate runs a migration the way the pre-deploy command does; psql reads the same URL.

Only host and port are rewritten (the stand-in's RDS address resolves nowhere), and /etc/secrets/ is mapped to a
temp dir (Render mounts secret files there; conftest.py says what the CA file holds)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from components.rds_ca import BUNDLE_FILE_NAME, bundle_pem
from tests.support.postgres import psql, serving_certificate

# The app's package-lock.json (rubyrayjuntos/kitchen-kontrol): each driver's version and integrity (npm's
# SHA-512 of the published tarball; not secrets).
APP_VERSIONS = {"pg": "8.16.3", "pg-connection-string": "2.9.1", "node-pg-migrate": "7.9.1"}
APP_INTEGRITY = {
    "pg": (
        "sha512-enxc1h0jA/aq5oSDMvqyW3q89ra6XIIDZgCX9vkM"  # pragma: allowlist secret
        "rnz5DFTw/Ny3Li2lFQ+pt3L6MCgm/5o2o8HW9hiJji+xvw=="  # pragma: allowlist secret
    ),
    "pg-connection-string": (
        "sha512-nkc6NpDcvPVpZXxrreI/FOtX3XemeLl8E0qFr6F2"  # pragma: allowlist secret
        "Lrm/I8WOnaWNhIPK2Z7OHpw7gh5XJThi6j6ppgNoaT1w4w=="  # pragma: allowlist secret
    ),
    "node-pg-migrate": (
        "sha512-6z4OSN27ye8aYdX9ZU7NN2PTI5pOp34hTr+22Ej1"  # pragma: allowlist secret
        "2djIYECq++gT7LPLZVOQXEeVCBOZQLqf87kC3Y36G434OQ=="  # pragma: allowlist secret
    ),
}
# node's code for a server certificate whose issuer is in none of the CAs it was given.
UNTRUSTED_ISSUER = "UNABLE_TO_VERIFY_LEAF_SIGNATURE"


def app_db(node, url: str) -> dict:
    """app_db.js (the app's `new Pool({ connectionString: process.env.DATABASE_URL })` and one query)."""
    ran = node.run(node.node, "app_db.js", env={"DATABASE_URL": url})
    assert ran.stdout.strip(), ran.stderr[-2000:]
    return json.loads(ran.stdout.strip().splitlines()[-1])


def test_the_installed_drivers_are_the_apps(node):
    lock = json.loads((node.drivers / "package-lock.json").read_text())["packages"]
    for name, version in APP_VERSIONS.items():
        entry = lock[f"node_modules/{name}"]
        assert (entry["version"], entry["integrity"]) == (version, APP_INTEGRITY[name])
        installed = json.loads((node.drivers / "node_modules" / name / "package.json").read_text())
        assert installed["version"] == version
    # pg resolves pg-connection-string to the pinned one, not a newer 2.x of its own.
    assert not (node.drivers / "node_modules" / "pg" / "node_modules").exists()


def test_the_state_holds_the_verified_url_the_ca_file_and_node_extra_ca_certs(rehearsed_app):
    env, files = rehearsed_app.env, rehearsed_app.secret_files
    query = dict(parse_qsl(urlsplit(env["DATABASE_URL"]).query))
    ca_path = f"/etc/secrets/{BUNDLE_FILE_NAME}"
    assert query == {"sslmode": "verify-full", "sslrootcert": ca_path}
    assert env["NODE_EXTRA_CA_CERTS"] == ca_path
    assert files == {BUNDLE_FILE_NAME: bundle_pem()}


def test_node_postgres_connects_over_verified_tls(node, app_database):
    answer = app_db(node, app_database.url)
    assert answer == {"ok": True, "user": app_database.user, "ssl": True, "version": answer["version"]}
    assert answer["version"].startswith("TLSv1.3")


def test_node_postgres_refuses_a_server_certificate_from_a_ca_it_was_not_given(node, app_database, foreign_certs):
    with serving_certificate(app_database.server, *foreign_certs.leaf("postgres-foreign", days=2)):
        answer = app_db(node, app_database.url)
    assert answer["ok"] is False
    assert answer["code"] == UNTRUSTED_ISSUER


def test_the_url_the_program_built_before_refused_the_app(node, app_database):
    # sslmode=require without sslrootcert: node-postgres verifies against Node's own CAs, which hold no RDS CA.
    parts = urlsplit(app_database.url)
    answer = app_db(node, urlunsplit(parts._replace(query="sslmode=require")))
    assert (answer["ok"], answer["code"]) == (False, UNTRUSTED_ISSUER)


def test_the_pre_deploy_command_in_the_state_runs_the_migrations(node, rehearsed_app, app_database):
    # Render runs it in a shell in the app's checkout, with the service's env vars; here the drivers' directory
    # has the app's layout (db/migrations/).
    command = rehearsed_app.pre_deploy_command
    assert command == "npm run migrate:up -- --migrations-dir db/migrations"
    ran = node.run("/bin/sh", "-c", command, env={"DATABASE_URL": app_database.url})
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert "Migrations complete!" in ran.stdout
    rows = psql(app_database.server, "SELECT note FROM app_contract_probe", dsn=app_database.url)
    assert rows.returncode == 0, rows.stderr
    assert rows.stdout.strip() == "migrated over verified TLS"
    again = node.run("/bin/sh", "-c", command, env={"DATABASE_URL": app_database.url})
    assert again.returncode == 0 and "No migrations to run!" in again.stdout


def test_the_apps_bare_migrate_script_fails_the_deploy_in_the_apps_layout(node, app_database):
    # `npm run migrate:up` alone reads migrations/, which the app does not have: exit != 0 fails the deploy.
    ran = node.run(node.npm, "run", "migrate:up", env={"DATABASE_URL": app_database.url})
    assert ran.returncode != 0
    assert "ENOENT" in ran.stderr + ran.stdout and "migrations/" in ran.stderr + ran.stdout


def test_psql_connects_with_the_same_url(app_database):
    query = "SELECT current_user || ' ' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
    answer = psql(app_database.server, query, dsn=app_database.url)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == f"{app_database.user} true"


def test_node_extra_ca_certs_makes_any_tls_client_of_the_app_trust_the_file(node, app_database, make_server, certs):
    server = make_server(tls=certs.leaf("app-peer", days=2))
    fetch = (
        "require('https').get(process.argv[1], (r) => console.log(r.statusCode))"
        ".on('error', (e) => { console.log(e.code); process.exitCode = 1; })"
    )
    ca_file = str(app_database.secrets_dir / BUNDLE_FILE_NAME)
    trusting = node.run(node.node, "-e", fetch, f"{server.url}/api/health", env={"NODE_EXTRA_CA_CERTS": ca_file})
    assert trusting.stdout.strip() == "200", trusting.stderr
    alone = node.run(node.node, "-e", fetch, f"{server.url}/api/health", env={})
    assert alone.stdout.strip() == UNTRUSTED_ISSUER
