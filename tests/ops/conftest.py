"""Fixtures for the operations documents: a clean environment, a stand-in pulumi CLI, test stacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.env import ROOT
from tests.support.fake_cli import Reply, logged_calls, write_fake_cli
from tests.support.operations import ESCALATION
from tests.support.plan import make_project


@pytest.fixture(scope="session")
def empty_bin(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("empty-bin")


@pytest.fixture(scope="session")
def fresh_clone_documents(empty_bin) -> dict[str, str]:
    """The runbook and first-deploy checklist of both stacks as a fresh clone without credentials
    gets them: no pulumi CLI on PATH, no provider variables. In-process, where the SDKs are already
    loaded; `test_cli_prints_the_same_document` proves the command prints the same bytes."""
    from ops.checklist import command as checklist
    from ops.runbook import command as runbook

    documents = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", str(empty_bin))
        for stack in ("staging", "production"):
            documents[f"runbook-{stack}"] = runbook.generate(stack)
            documents[f"checklist-{stack}"] = checklist.generate(stack, env={})
    return documents


@pytest.fixture
def fake_pulumi(tmp_path):
    """A `pulumi` on a PATH of its own: logs argv, answers `stack output` with the given outputs."""
    bin_dir = tmp_path / "pulumi-bin"
    bin_dir.mkdir()
    log = tmp_path / "pulumi.calls"

    def install(outputs: dict | None = None, *, stderr: str = "", code: int = 0) -> Path:
        answer = Reply(json.dumps(outputs or {}), stderr, code)
        write_fake_cli(bin_dir, "pulumi", replies={"stack output": answer}, default=Reply("", stderr, code), log=log)
        return bin_dir

    install.calls = lambda: logged_calls(log)
    return install


@pytest.fixture
def ops_project(tmp_path, staging_config):
    """A throwaway project (tests/support/plan.py `make_project`) with its own policy configs and the
    repository's workflows, so every ops command can run against it."""
    directory = tmp_path / "project"
    directory.mkdir()
    project = make_project(directory, staging_config)
    (project / "policies").mkdir()
    (project / ".github").symlink_to(ROOT / ".github")

    def write_stack(name: str = "teststack", **overrides) -> str:
        overrides.setdefault("escalationLevels", ESCALATION)
        project.write_stack(name, **overrides)
        shutil.copy(ROOT / "policies" / "config.staging.json", project / "policies" / f"config.{name}.json")
        return name

    project.write_ops_stack = write_stack
    return project
