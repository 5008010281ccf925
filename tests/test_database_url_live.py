"""The generated DATABASE_URL authenticates against a real PostgreSQL whatever the password holds, and only after
verifying the server: libpq (psql) reads the same `sslmode=verify-full&sslrootcert=…` the app's driver does.

The local server's certificate comes from a CA made for this run (as an RDS instance's comes from an Amazon RDS
CA), so the secret file the URL names is materialised with that CA: /etc/secrets/ is mapped into a temp dir."""

from __future__ import annotations

import uuid

import pytest
from pulumi.runtime.rpc import unwrap_rpc_secret

from components.database import PASSWORD_SPECIALS
from components.rds_ca import BUNDLE_FILE_NAME, bundle_pem
from tests.support.plan import make_project, resources_of
from tests.support.postgres import login_role_with_database, psql, serving_certificate
from tests.support.secret_files import local_url, materialise

pytestmark = pytest.mark.live

# Every character the password generator may emit, plus letters and digits.
EVERY_ALLOWED = "Aa0" + PASSWORD_SPECIALS + "Zz9"
CERTIFICATE_REFUSED = "certificate verify failed"


@pytest.fixture(scope="module")
def program_url(postgres_server, staging_config, tmp_path_factory):
    """The program's own DATABASE_URL for a fresh database: the generator "emits" every allowed character, the
    RDS address is the real local server."""
    from ops.program.mocks import PlanMocks
    from ops.program.runner import run_plan

    server = postgres_server
    db_name = f"kk_{uuid.uuid4().hex[:8]}"
    login_role_with_database(server, "kk_admin", EVERY_ALLOWED, db_name)
    project = make_project(tmp_path_factory.mktemp("live-url"), staging_config)
    mocks = PlanMocks(
        preview=False,
        secret_source=lambda length, specials: EVERY_ALLOWED,
        output_overrides={"aws:rds/instance:Instance": {"address": server["host"], "port": server["port"]}},
    )
    result = run_plan(project.write_stack(dbName=db_name), preview=False, root=project, mocks=mocks)
    env = {r.inputs["envVarKey"]: r.inputs["value"] for r in resources_of(result, "render:services:EnvVar")}
    return unwrap_rpc_secret(env["DATABASE_URL"])


def test_the_url_verifies_the_server_against_the_render_secret_file(program_url):
    assert program_url.endswith(f"?sslmode=verify-full&sslrootcert=/etc/secrets/{BUNDLE_FILE_NAME}")


def test_psql_logs_in_over_verified_tls_with_the_programs_url(postgres_server, program_url, tmp_path):
    # The secret file holds the CA that issued the server's certificate, as the RDS bundle holds RDS's root.
    materialise({BUNDLE_FILE_NAME: postgres_server["ca"].read_text()}, tmp_path)
    url = local_url(program_url, tmp_path)
    query = "SELECT current_user || ' ' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
    answer = psql(postgres_server, query, dsn=url)
    assert answer.returncode == 0, answer.stderr.replace(EVERY_ALLOWED, "[password]")
    assert answer.stdout.strip() == "kk_admin true"


def test_a_server_certificate_from_another_ca_is_refused(postgres_server, foreign_certs, program_url, tmp_path):
    materialise({BUNDLE_FILE_NAME: postgres_server["ca"].read_text()}, tmp_path)
    url = local_url(program_url, tmp_path)
    with serving_certificate(postgres_server, *foreign_certs.leaf("postgres-foreign", days=2)):
        refused = psql(postgres_server, "SELECT 1", dsn=url)
    assert refused.returncode != 0
    assert CERTIFICATE_REFUSED in refused.stderr
    assert EVERY_ALLOWED not in refused.stderr


def test_the_real_rds_bundle_does_not_vouch_for_a_server_outside_rds(postgres_server, program_url, tmp_path):
    materialise({BUNDLE_FILE_NAME: bundle_pem()}, tmp_path)
    refused = psql(postgres_server, "SELECT 1", dsn=local_url(program_url, tmp_path))
    assert refused.returncode != 0
    assert CERTIFICATE_REFUSED in refused.stderr


def test_wrong_password_is_rejected(postgres_server, tmp_path):
    from components.database import postgres_url

    ca = materialise({"ca.pem": postgres_server["ca"].read_text()}, tmp_path)["ca.pem"]
    url = postgres_url(
        "kk_admin", "not-the-password", postgres_server["host"], postgres_server["port"], "postgres", str(ca)
    )
    refused = psql(postgres_server, "SELECT 1", dsn=url)
    assert refused.returncode != 0
    assert "password authentication failed" in refused.stderr
