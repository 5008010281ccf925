"""The generated DATABASE_URL authenticates against a real PostgreSQL, whatever the password holds."""

from __future__ import annotations

import subprocess
import uuid

import pytest
from pulumi.runtime.rpc import unwrap_rpc_secret

from components.database import PASSWORD_SPECIALS
from tests.support.plan import resources_of

pytestmark = pytest.mark.live

# Every character the password generator may emit, plus letters and digits.
EVERY_ALLOWED = "Aa0" + PASSWORD_SPECIALS + "Zz9"


def psql(server, *args: str, dsn: str | None = None) -> subprocess.CompletedProcess:
    target = dsn or f"host={server['socket_dir']} port={server['port']} user=postgres dbname=postgres"
    return subprocess.run(
        [str(server["bindir"] / "psql"), target, "-v", "ON_ERROR_STOP=1", "-tAc", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_database_url_from_the_program_logs_in_over_tls(postgres_server, project_dir):
    from ops.program.mocks import PlanMocks
    from ops.program.runner import run_plan

    server = postgres_server
    db_name = f"kk_{uuid.uuid4().hex[:8]}"
    quoted = EVERY_ALLOWED.replace("'", "''")
    created = psql(server, f"CREATE ROLE kk_admin LOGIN PASSWORD '{quoted}'")
    assert created.returncode == 0 or "already exists" in created.stderr, created.stderr
    assert psql(server, f"CREATE DATABASE {db_name} OWNER kk_admin").returncode == 0

    # The program's own DATABASE_URL: the generator "emits" every allowed character, the
    # RDS address is the real local server.
    mocks = PlanMocks(
        preview=False,
        secret_source=lambda length, specials: EVERY_ALLOWED,
        output_overrides={"aws:rds/instance:Instance": {"address": server["host"], "port": server["port"]}},
    )
    result = run_plan(project_dir.write_stack(dbName=db_name), preview=False, root=project_dir, mocks=mocks)
    env = {r.inputs["envVarKey"]: r.inputs["value"] for r in resources_of(result, "render:services:EnvVar")}
    url = unwrap_rpc_secret(env["DATABASE_URL"])
    assert url.endswith("?sslmode=require")

    answer = psql(server, "SELECT current_user || ' ' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", dsn=url)
    assert answer.returncode == 0, answer.stderr.replace(EVERY_ALLOWED, "[password]")
    assert answer.stdout.strip() == "kk_admin true"


def test_wrong_password_is_rejected(postgres_server):
    from components.database import postgres_url

    url = postgres_url("kk_admin", "not-the-password", postgres_server["host"], postgres_server["port"], "postgres")
    assert psql(postgres_server, "SELECT 1", dsn=url).returncode != 0
