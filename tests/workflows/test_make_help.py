"""`make help` comes from the `##` comments and covers every target; the operations targets."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.support.commands import run_make
from tests.support.env import ROOT


@pytest.fixture
def make(tool, tmp_path):
    make_bin = tool("make")
    (tmp_path / "bin").mkdir()

    def run(*args: str, isolated: bool = False) -> subprocess.CompletedProcess:
        # isolated: nothing on PATH (no pulumi).
        env = {**os.environ, "HOME": str(tmp_path)}
        if isolated:
            env["PATH"] = str(tmp_path / "bin")
        return run_make(make_bin, *args, env=env)

    return run


def phony_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return {t for line in re.findall(r"^\.PHONY:(.*)$", text, re.MULTILINE) for t in line.split()}


def test_help_lists_every_target_with_its_comment(make):
    proc = make("help")
    assert proc.returncode == 0, proc.stderr
    listed = dict(re.findall(r"^  make (\S+)\s+(.+)$", proc.stdout, re.MULTILINE))
    assert set(listed) == phony_targets(), "every .PHONY target needs a `## comment` for make help"
    assert listed["runbook"].startswith("Markdown runbook of STACK")
    assert listed["readiness"].endswith("exit 1 if not ready")


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("runbook", "STACK=production", "OUT=rb.md"), "-m ops runbook production --out rb.md"),
        (("checklist",), "-m ops checklist staging --first-deploy"),
        (
            ("readiness", "VERIFY_REPORT=v.json", "REHEARSAL_REPORT=r.json"),
            "-m ops readiness staging --verify-report v.json --rehearsal-report r.json",
        ),
    ],
)
def test_operations_targets_run_the_commands(make, args, command):
    proc = make("-n", *args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{sys.executable} {command}"


def test_make_runbook_prints_just_the_document(make):
    proc = make("runbook", "STACK=production", isolated=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Runbook: Kitchen Kontrol `production`\n")
    assert "not deployed yet" in proc.stdout
