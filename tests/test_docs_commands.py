"""Commands the docs tell people to run name things that exist."""

from __future__ import annotations

import re

import pytest

from stacks.config_keys import KEYS
from tests.support.env import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _fingerprint_sources() -> list[tuple[str, str, str]]:
    found = []
    for path in DOCS:
        for line in path.read_text().splitlines():
            if "ops fingerprint" not in line:
                continue
            for kind, name in re.findall(r"pulumi (stack output|config get)\b[^|]*?\s([A-Za-z][\w:]*)\s*\|", line):
                found.append((path.name, kind, name))
    return found


def test_docs_show_a_fingerprint_example():
    assert {doc for doc, _, _ in _fingerprint_sources()} >= {"deploying.md", "policies.md"}


@pytest.mark.parametrize(("doc", "kind", "name"), _fingerprint_sources())
def test_fingerprint_examples_read_a_real_secret(update_plan, doc, kind, name):
    """The README once read `dbPassword`, a key that does not exist."""
    from pulumi.runtime.rpc import is_rpc_secret

    if kind == "config get":
        assert name.removeprefix("kitchen-kontrol:") in KEYS, f"{doc}: no config key {name}"
    else:
        assert name in update_plan.outputs, f"{doc}: no stack output {name}"
        assert is_rpc_secret(update_plan.outputs[name]), f"{doc}: output {name} is not a secret"


def test_baseline_refresh_is_the_make_target():
    text = (ROOT / "docs" / "pipeline.md").read_text()
    maintenance = text.split("**Secret scan baseline.**", 1)[1].split("\n- **", 1)[0]
    assert "make secrets-baseline" in maintenance
    assert "> .secrets.baseline" not in maintenance.replace("(`scan > .secrets.baseline`)", "")
    assert re.search(r"^secrets-baseline:", (ROOT / "Makefile").read_text(), re.MULTILINE)
