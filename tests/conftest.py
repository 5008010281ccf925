"""Shared fixtures: the offline plan on real and test stacks, canary secrets, a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.env import ROOT, in_ci

SHARED = ROOT.parent / "shared"
# Canaries: values that must never show up in any output; letters and digits so that
# percent-encoding cannot disguise them.
CANARY_SECRET = "CANARYsecret7f3a9c2e"
REACHABLE_CIDRS = ["44.226.145.213/32", "54.187.200.255/32"]
# Real-looking people (not at reserved example domains, which refuse an update).
ONCALL = ["primary: Ana Lima <ana@kitchen-kontrol.dev>", "backup: Bo Chen <bo@kitchen-kontrol.dev>"]


@pytest.fixture(scope="session")
def staging_config() -> dict:
    """The committed staging stack config, as a plain mapping (namespaced keys)."""
    return yaml.safe_load((ROOT / "Pulumi.staging.yaml").read_text())["config"]


class ProjectDir(type(Path())):
    """A project directory that can also write stack files (see `project_dir`)."""

    write_stack = None


def make_project(directory: Path, staging_config: dict) -> ProjectDir:
    """A throwaway copy of the project's entry files; `write_stack(name, **overrides)` adds a stack file
    derived from staging (an override of None removes the key)."""
    shutil.copy(ROOT / "Pulumi.yaml", directory / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", directory / "__main__.py")

    def write_stack(name: str = "teststack", **overrides) -> str:
        config = {
            **staging_config,
            "kitchen-kontrol:dbAllowedCidrs": REACHABLE_CIDRS,
            "kitchen-kontrol:oncallContacts": ONCALL,
        }
        for key, value in overrides.items():
            full_key = key if ":" in key else f"kitchen-kontrol:{key}"
            if value is None:
                config.pop(full_key, None)
            else:
                config[full_key] = value
        (directory / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}))
        return name

    project = ProjectDir(directory)
    project.write_stack = write_stack
    return project


@pytest.fixture
def project_dir(tmp_path, staging_config):
    return make_project(tmp_path, staging_config)


def run_canary_plan(stack: str = "staging", *, preview: bool = True, root: Path = ROOT, policies=False):
    """The offline plan in-process; the canary stands in for every generated secret."""
    from ops.mocks import PlanMocks
    from ops.plan_runner import run_plan

    mocks = PlanMocks(preview=preview, secret_source=lambda length, specials: CANARY_SECRET)
    result = run_plan(stack, preview=preview, root=root, mocks=mocks, policies=policies)
    result.mocks = mocks
    return result


@pytest.fixture
def plan():
    return run_canary_plan


@pytest.fixture(scope="session")
def update_plan(tmp_path_factory, staging_config):
    """The update phase of a staging-like stack with real-looking CIDRs and contacts, planned once."""
    project = make_project(tmp_path_factory.mktemp("update"), staging_config)
    return run_canary_plan(project.write_stack(), preview=False, root=project)


@pytest.fixture
def ops_cli():
    """`python -m ops ...` as a user runs it: a subprocess from the repository root."""

    def _run(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.run(
            [sys.executable, "-m", "ops", *args],
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return _run


@pytest.fixture(scope="session")
def cli_plans() -> dict:
    """`python -m ops plan` as CI runs it, once per variant for the whole session (each costs seconds)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    variants = {
        # Each of the first two twice: the output must be the same bytes run after run.
        "staging": ("plan", "staging", "--width", "100"),
        "staging-again": ("plan", "staging", "--width", "100"),
        "staging-json": ("plan", "staging", "--json"),
        "staging-json-again": ("plan", "staging", "--json"),
        "production": ("plan", "production", "--width", "100"),
    }
    # Started together: each is mostly one core's work, and the suite has two.
    running = {
        name: subprocess.Popen(
            [sys.executable, "-m", "ops", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in variants.items()
    }
    results = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=180)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return results


@pytest.fixture(scope="session")
def staging_document(cli_plans) -> dict:
    """`ops plan staging --json`, parsed."""
    import json

    completed = cli_plans["staging-json"]
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def plan_document(stack: str, *, root: Path, preview: bool = True, policies=False) -> dict:
    """The plan document (what `--json` prints) of an in-process canary plan."""
    from ops.plan_document import document

    return document(run_canary_plan(stack, preview=preview, root=root, policies=policies))


STAGING_POLICY_CONFIG = ROOT / "policies" / "config.staging.json"


def resources_of(result, type_: str) -> list:
    return [r for r in result.resources if r.type == type_]


def only(result, type_: str):
    found = resources_of(result, type_)
    assert len(found) == 1, f"expected one {type_}, found {len(found)}"
    return found[0]


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real PostgreSQL (Debian's server binaries) on 127.0.0.1 with TLS and scram auth.

    Yields (host, port, superuser_dsn). `.ci/run` installs the packages; outside CI a missing
    server skips the live tests with the reason.
    """
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bindirs or not shutil.which("openssl"):
        if in_ci():
            pytest.fail("PostgreSQL server binaries or openssl missing; .ci/run should have installed them")
        pytest.skip("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) or openssl not installed")
    bindir = bindirs[-1]
    data = tmp_path_factory.mktemp("pgdata")
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root; Debian's package provides the postgres user
        shutil.chown(data, "postgres")
        data.chmod(0o700)
        run_as = ["runuser", "-u", "postgres", "--"]
    for parent in data.parents:
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o011)  # postgres must traverse into its data dir
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(data / "server.key"),
            "-out",
            str(data / "server.crt"),
        ],
        check=True,
        capture_output=True,
    )
    if run_as:
        for name in ("server.key", "server.crt"):
            shutil.chown(data / name, "postgres")
    (data / "server.key").chmod(0o600)
    port = _free_port()
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nssl = on\nunix_socket_directories = '{data}'\n"
            "password_encryption = 'scram-sha-256'\n"
        )
    (data / "pg_hba.conf").write_text(
        "local all postgres trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n"
    )
    subprocess.run(
        [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield {"host": "127.0.0.1", "port": port, "socket_dir": str(data), "bindir": bindir, "run_as": run_as}
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
