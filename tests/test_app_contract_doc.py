"""docs/app-contract.md's table of the app's environment says what both stacks' plans set: every variable the web
service gets is a row "set by this project", no row claims one the plan lacks, and each plain value is the plan's."""

from __future__ import annotations

import re

import pytest

from tests.support.env import ROOT
from tests.support.plan import plan_document

DOC = ROOT / "docs" / "app-contract.md"
COLUMNS = ["variable", "read by", "set by", "staging", "production", "when missing"]


def table() -> dict[str, dict[str, str]]:
    lines = DOC.read_text().splitlines()
    start = lines.index("| " + " | ".join(COLUMNS) + " |")
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("| `"):
            break
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        assert len(cells) == len(COLUMNS), line
        row = dict(zip(COLUMNS, cells, strict=True))
        rows[row["variable"].strip("`")] = row
    return rows


@pytest.fixture(scope="module")
def plans(staging_document) -> dict[str, dict[str, str]]:
    """Each stack's web service env vars as `ops plan --json` shows them ("[secret]", "[unknown]" or the value)."""
    documents = {"staging": staging_document, "production": plan_document("production", root=ROOT)}
    return {
        stack: {
            r["inputs"]["envVarKey"]: r["inputs"]["value"]
            for r in document["resources"]
            if r["type"] == "render:services:EnvVar"
        }
        for stack, document in documents.items()
    }


def test_the_rows_set_by_this_project_are_the_plans_env_vars(plans):
    ours = {name for name, row in table().items() if row["set by"].startswith("this project")}
    for stack, env in plans.items():
        assert ours == set(env), stack


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_each_value_is_the_plans(plans, stack):
    rows = table()
    for name, value in plans[stack].items():
        cell = rows[name][stack]
        if value == "[secret]":
            assert cell.startswith("secret"), (stack, name, cell)
        elif value == "[unknown]":  # the service's URL, known once Render created it
            assert "URL" in cell, (stack, name, cell)
        else:
            assert cell == f"`{value}`", (stack, name, cell)


def test_the_variables_nobody_sets_have_no_value_and_say_what_happens(plans):
    for name, row in table().items():
        assert row["when missing"], name
        if row["set by"] == "nobody":
            assert (row["staging"], row["production"]) == ("—", "—"), name
            assert all(name not in env for env in plans.values()), name


def test_the_database_url_row_names_the_url_the_program_builds():
    row = table()["DATABASE_URL"]
    assert re.search(r"\?sslmode=verify-full&sslrootcert=/etc/secrets/rds-global-bundle\.pem`", row["staging"])
