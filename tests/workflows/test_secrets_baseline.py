"""A detect-secrets scan of the repository finds nothing that `.secrets.baseline` does not list.

After a reviewed change that adds a non-secret the scanner flags, regenerate the
baseline as docs/pipeline.md describes and audit the new entry.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support.env import ROOT

BASELINE = ROOT / ".secrets.baseline"


def scan(detect_secrets: str, root: Path, exclude: str) -> dict:
    proc = subprocess.run(
        [detect_secrets, "scan", "--all-files", "--exclude-files", exclude],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(proc.stdout)


def findings(report: dict) -> set[tuple[str, str, str]]:
    # Line numbers move with every edit; file, detector and hash identify a finding.
    return {(f, r["type"], r["hashed_secret"]) for f, rs in report["results"].items() for r in rs}


def new_findings(report: dict, baseline: dict) -> list[str]:
    known = findings(baseline)
    return sorted(
        f"{f}:{r['line_number']}: {r['type']}"
        for f, rs in report["results"].items()
        for r in rs
        if (f, r["type"], r["hashed_secret"]) not in known
    )


def baseline_exclude(baseline: dict) -> str:
    (pattern,) = [f["pattern"][0] for f in baseline["filters_used"] if f["path"].endswith("should_exclude_file")]
    return pattern


def test_baseline_excludes_the_virtualenvs_and_git():
    pattern = baseline_exclude(json.loads(BASELINE.read_text()))
    for sub in (".venv", ".git", "policies/venv"):
        assert sub.split("/")[-1] in pattern, sub


def test_repository_has_no_secret_outside_the_baseline(tool):
    baseline = json.loads(BASELINE.read_text())
    report = scan(tool("detect-secrets"), ROOT, baseline_exclude(baseline))
    new = new_findings(report, baseline)
    assert not new, "possible secrets not in .secrets.baseline (remove them, or audit and regenerate):\n" + "\n".join(
        new
    )


def test_a_planted_key_is_reported(tool, tmp_path):
    """The comparison above really flags a finding the baseline lacks."""
    # Built at run time so this file itself holds no secret-looking literal.
    key = "".join(["wJalrXUtnFEMI", "/K7MDENG/", "bPxRfiCYzq8Xk3"])
    (tmp_path / "settings.py").write_text(f'aws_secret_access_key = "{key}"\n')
    baseline = json.loads(BASELINE.read_text())
    report = scan(tool("detect-secrets"), tmp_path, baseline_exclude(baseline))
    assert any(line.startswith("settings.py:1: ") for line in new_findings(report, baseline))
