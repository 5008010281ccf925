"""Shared fixtures: the offline plan on real and test stacks, `python -m ops`, a fake app server, a real
PostgreSQL. The helpers behind them live in tests/support/ (plan.py, commands.py, app_server.py, postgres.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
import yaml

from tests.support.app_server import AppServers
from tests.support.certs import CertFactory
from tests.support.commands import ops_argv, run_ops
from tests.support.env import ROOT, unavailable
from tests.support.parallel import mark_groups, scheduler
from tests.support.plan import make_project, run_canary_plan
from tests.support.postgres import running_postgres


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Tests that share an expensive fixture run on one pytest-xdist worker (tests/support/parallel.py)."""
    mark_groups(items)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return scheduler(config, log) if config.getvalue("dist") == "loadgroup" else None


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> CertFactory:
    """A local CA and leaf certificates for 127.0.0.1, made by openssl (tests/support/certs.py)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        unavailable("the openssl CLI is not installed; TLS tests need it to make certificates")
    return CertFactory(tmp_path_factory.mktemp("certs"), openssl)


@pytest.fixture(scope="session")
def staging_config() -> dict:
    """The committed staging stack config, as a plain mapping (namespaced keys)."""
    return yaml.safe_load((ROOT / "Pulumi.staging.yaml").read_text())["config"]


@pytest.fixture
def project_dir(tmp_path, staging_config):
    return make_project(tmp_path, staging_config)


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

    def _run(*args: str, cwd=ROOT, stdin: str | None = None) -> subprocess.CompletedProcess:
        return run_ops(*args, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=stdin)

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
            ops_argv(*args), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
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
    completed = cli_plans["staging-json"]
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.fixture(scope="session")
def foreign_certs(tmp_path_factory: pytest.TempPathFactory, certs: CertFactory) -> CertFactory:
    """A second local CA, one no client under test is ever given: its leaves must be refused."""
    return CertFactory(tmp_path_factory.mktemp("foreign-certs"), certs.openssl)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory, certs: CertFactory):
    """A real PostgreSQL on 127.0.0.1 with TLS and scram auth (tests/support/postgres.py), for the session. Its
    certificate is a leaf for 127.0.0.1 from `certs`' CA (`server["ca"]`), as an RDS instance's comes from an
    Amazon RDS CA; `serving_certificate` swaps in another for a block."""
    cert, key = certs.leaf("postgres", days=2)
    with running_postgres(tmp_path_factory.mktemp("pgdata"), cert, key) as server:
        yield {**server, "ca": certs.ca()[0]}


@pytest.fixture
def make_server():
    """make_server(**behaviour): a fake Kitchen Kontrol on 127.0.0.1 (tests/support/app_server.py), closed
    after the test."""
    servers = AppServers()
    yield servers.make
    servers.close()
