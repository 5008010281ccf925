"""The text reviewers and the DevOps engineer read, from the real CLI: golden files with line budgets.

Stand-in banners, progress dots, durations and the fakes' ids are taken out (tests/support/preview_text.py);
any other new line is a diff in review. After an intended change (a resource added, a warning reworded):
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/engine/test_preview_goldens.py`, review the diff, and
raise a budget only with the reason in the commit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policies.rules import PACK_VERSION
from tests.support.engine import preview_output
from tests.support.golden import assert_golden
from tests.support.preview_text import reviewer_text

GOLDEN = Path(__file__).parent / "golden"
NOTE = re.compile(r"^          ([a-z0-9-]+): \d+ resources? ha(?:s|ve) values known only during the update")

# Line budgets. Today: 93 / 96 / 13 / 129 lines (before issue 18: 156 / 93 / ~32, the up not measured). A
# preview shows one row per resource (51 today), an update two (creating, created), so each budget leaves
# room for about ten more resources and nothing else: the policy section's notes (3 lines per rule a
# preview cannot finish: 4 rules), the 11 outputs and the totals are counted in. A steady-state change
# shows only what changes; its budget leaves room for one program warning with its Diagnostics section.
# Issue 33 added the app's frontend (a static site: 6 resources and 2 outputs) and raised the budgets by 10.
BUDGETS = {
    "staging-first-deploy": 110,
    "production-preview": 110,
    "staging-env-var-change": 20,
    "staging-up": 150,
}


def step_output(rehearsal, name: str) -> str:
    return next(step.output for step in rehearsal.steps if step.name == name)


@pytest.fixture(scope="module")
def texts(staging_rehearsal, production_rehearsal) -> dict[str, str]:
    change = preview_output(staging_rehearsal, "appLogLevel", "debug", *staging_rehearsal.policy_flags())
    return {
        "staging-first-deploy": reviewer_text(step_output(staging_rehearsal, "preview")),
        "production-preview": reviewer_text(step_output(production_rehearsal, "preview")),
        "staging-env-var-change": reviewer_text(change),
        "staging-up": reviewer_text(step_output(staging_rehearsal, "up")),
    }


@pytest.mark.parametrize("name", BUDGETS)
def test_what_reviewers_read_matches_its_golden_within_its_budget(texts, name):
    assert_golden(GOLDEN / f"{name}.txt", texts[name])
    lines = len(texts[name].splitlines())
    assert lines <= BUDGETS[name], f"{name}: {lines} lines, budget {BUDGETS[name]}"


def policy_section(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("Policies:")
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "")
    return lines[start + 1 : end]


@pytest.mark.parametrize("name", ["staging-first-deploy", "production-preview"])
def test_a_first_deploy_notes_each_deferred_rule_once_and_labels_nothing_critical(texts, name):
    section = policy_section(texts[name])
    rules = [m.group(1) for line in section if (m := NOTE.match(line))]
    assert rules and len(rules) == len(set(rules))  # at most one note per rule
    entries = [line for line in section if line.startswith("        - ")]
    assert len(entries) == len(rules)  # nothing else: no violation, no per-resource "can't run"
    assert all("[advisory]  checked-during-update  (pulumi:pulumi:Stack:" in line for line in entries)
    assert "severity" not in texts[name] and "can't run policy" not in texts[name]


def test_the_pack_shows_one_version_pulumipolicy_yamls(texts):
    for text in texts.values():
        assert set(re.findall(r"kitchen-kontrol@v([0-9][^\s']*)", text)) == {PACK_VERSION}


def test_a_steady_state_change_and_the_update_have_a_clean_pack(texts):
    for name in ("staging-env-var-change", "staging-up"):
        assert policy_section(texts[name]) == [f"    ✅ kitchen-kontrol@v{PACK_VERSION} (local: policies)"]
    assert "~ 1 to update" in texts["staging-env-var-change"]


def test_the_update_shows_no_advisory_and_each_program_warning_once(texts):
    up = texts["staging-up"]
    assert "[advisory]" not in up and "Diagnostics:" not in up  # the program warns of nothing on this update
    production = texts["production-preview"].splitlines()
    diagnostics = production[production.index("Diagnostics:") + 2 :]
    warnings = [line for line in diagnostics[: diagnostics.index("")]]
    assert warnings == [line for line in dict.fromkeys(warnings)]
    assert len(warnings) == 1 and "the apply is blocked" in warnings[0]
