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


def test_help_lists_every_variable_a_target_reads(make):
    text = (ROOT / "Makefile").read_text()
    settable = set(re.findall(r"^([A-Z_]+) \?=", text, re.MULTILINE))
    settable |= set(re.findall(r"\$\(if \$\(([A-Z_]+)\),", text))
    # and any variable a recipe reads that the Makefile never sets (make's own aside)
    assigned = set(re.findall(r"^(?:override )?([A-Z_]+) *[:?]?=", text, re.MULTILINE))
    builtin = {"MAKE", "MAKEFILE_LIST", "CURDIR", "PATH"}
    settable |= set(re.findall(r"\$\(([A-Z_]+)\)", text)) - assigned - builtin
    assert {"STACK", "OUT", "VERIFY_REPORT", "REHEARSAL_REPORT", "PULUMI"} <= settable
    proc = make("help")
    variables = proc.stdout.split("Variables (make TARGET NAME=value):\n", 1)[1]
    assert set(re.findall(r"^  ([A-Z_]+)=", variables, re.MULTILINE)) == settable


def test_the_first_install_shows_pips_progress_and_a_refresh_stays_quiet(tool, tmp_path):
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "policies/requirements.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text((ROOT / name).read_text())

    def dry_run() -> str:
        argv = [tool("make"), "--no-print-directory", "-n", "-C", str(tmp_path), ".venv/.installed"]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout

    first = dry_run()
    assert "installing the pinned requirements (first time: a few minutes)" in first
    (pip,) = [line for line in first.splitlines() if "pip install" in line]
    assert "--progress-bar off" in pip and "--quiet" not in pip
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / ".installed").touch()
    os.utime(tmp_path / ".venv" / ".installed", (0, 0))  # older than the requirements: a refresh
    (pip,) = [line for line in dry_run().splitlines() if "pip install" in line]
    assert "--quiet" in pip
