"""CODEOWNERS: the files that keep production shut cannot change without their owners' review."""

from __future__ import annotations

import fnmatch
import re

import pytest

from tests.support.env import ROOT

PROTECTED = {
    "policies/rules/stop_before_production.py": "policy-owners",
    "policies/config.production.json": "policy-owners",
    "stacks/guard.py": "production-owners",
    "Pulumi.production.yaml": "production-owners",
    ".github/workflows/preview-production.yml": "production-owners",
    ".github/CODEOWNERS": "production-owners",
}


def owners_of(path: str, lines: list[tuple[str, list[str]]]) -> list[str]:
    """GitHub's rule: the last matching pattern wins; a trailing `/` matches everything under it."""
    found: list[str] = []
    for pattern, owners in lines:
        anchored = pattern.lstrip("/")
        if anchored.endswith("/"):
            hit = path.startswith(anchored) if pattern.startswith("/") else f"/{anchored}" in f"/{path}"
        elif anchored == "*":
            hit = True
        else:
            hit = fnmatch.fnmatch(path, anchored)
        if hit:
            found = owners
    return found


def codeowners() -> list[tuple[str, list[str]]]:
    text = (ROOT / ".github" / "CODEOWNERS").read_text()
    entries = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pattern, *owners = line.split()
            assert owners and all(re.fullmatch(r"@[\w.-]+/[\w.-]+|@[\w.-]+", o) for o in owners), line
            entries.append((pattern, owners))
    return entries


@pytest.mark.parametrize(("path", "team"), sorted(PROTECTED.items()))
def test_protected_files_have_their_owners(path, team):
    assert (ROOT / path).exists(), path
    owners = owners_of(path, codeowners())
    assert any(o.endswith(f"-{team}") for o in owners), f"{path}: {owners}"


def test_a_catch_all_does_not_shadow_the_specific_lines():
    entries = codeowners()
    assert entries[0][0] == "*", "the catch-all must come first: the last match wins"
    assert owners_of("README.md", entries) == entries[0][1]
