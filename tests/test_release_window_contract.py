"""One release-window contract for both production keys: the program's (stack config) and the pack's (policy config).

Neither side may import the other, so this table is the contract: every window goes to both, and
both must give the same verdict for the same reason. The docs and the stack file's comments must
describe the same fields and limit.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from policies.rules import stop_before_production as pack
from policies.rules._support import ResourceContext
from stacks import guard
from tests.support.env import ROOT

OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STACK = "production"
US = timedelta(microseconds=1)


def window(hours: float = 2, **changes):
    w = {
        "stack": STACK,
        "approvedBy": "Jane Doe",
        "changeReference": "CHG-1234",
        "notBefore": OPENS.isoformat(),
        "notAfter": (OPENS + timedelta(hours=hours)).isoformat(),
    }
    w.update(changes)
    return {k: v for k, v in w.items() if v is not None}


INSIDE = OPENS + timedelta(minutes=30)
# (case, window, now, open?, a phrase both reasons must contain)
TABLE = [
    ("valid", window(), INSIDE, True, None),
    ("opens exactly at notBefore", window(), OPENS, True, None),
    ("a microsecond before notBefore", window(), OPENS - US, False, "opens at"),
    ("a microsecond before notAfter", window(), OPENS + timedelta(hours=2) - US, True, None),
    ("closed exactly at notAfter", window(), OPENS + timedelta(hours=2), False, "closed at"),
    ("expired", window(), OPENS + timedelta(days=3), False, "closed at"),
    ("future", window(), OPENS - timedelta(days=3), False, "opens at"),
    ("exactly 24 h", window(hours=24), OPENS + timedelta(hours=23), True, None),
    ("24 h and a microsecond", window(notAfter=(OPENS + timedelta(hours=24) + US).isoformat()), INSIDE, False, "24 h"),
    ("30 h", window(hours=30), INSIDE, False, "24 h maximum"),
    ("another zone, same instant", window(notBefore="2026-12-01T11:00:00+02:00"), OPENS, True, None),
    ("Z suffix", window(notBefore="2026-12-01T09:00:00Z"), INSIDE, True, None),
    ("wrong stack", window(stack="staging"), INSIDE, False, 'for stack "staging"'),
    ("stack with padding", window(stack=" production "), INSIDE, True, None),
    ("naive notBefore", window(notBefore="2026-12-01T09:00:00"), INSIDE, False, "notBefore has no time zone"),
    ("naive notAfter", window(notAfter="2026-12-01T11:00:00"), INSIDE, False, "notAfter has no time zone"),
    ("not a timestamp", window(notAfter="tomorrow"), INSIDE, False, "notAfter is not an ISO-8601"),
    ("epoch seconds", window(notBefore=1764579600), INSIDE, False, "notBefore must be a string"),
    ("reversed", window(hours=-1), INSIDE, False, "later than notBefore"),
    ("empty interval", window(hours=0), OPENS, False, "later than notBefore"),
    *[
        (f"missing {field}", window(**{field: None}), INSIDE, False, f"missing field(s): {field}")
        for field in pack.WINDOW_FIELDS
    ],
    ("blank approvedBy", window(approvedBy="  "), INSIDE, False, "missing field(s): approvedBy"),
    ("approvedBy at the length limit", window(approvedBy="x" * 200), INSIDE, True, None),
    ("approvedBy over the length limit", window(approvedBy="x" * 201), INSIDE, False, "longer than 200"),
    ("unknown field", window(ticket="T-1"), INSIDE, False, "unknown field(s) ticket"),
    ("not an object", ["production"], INSIDE, False, "must be an object"),
    # Pulumi.yaml declares the program's key with default {}: empty means "not set" on both sides.
    ("empty object", {}, INSIDE, False, "no release window"),
]


def program_reason(case_window, now) -> str | None:
    verdict = guard.evaluate_window(json.dumps(case_window), now, STACK)
    return None if verdict.open else verdict.reason


@pytest.mark.parametrize(("case", "case_window", "now", "is_open", "phrase"), TABLE, ids=[row[0] for row in TABLE])
def test_both_keys_give_the_same_verdict(case, case_window, now, is_open, phrase):
    program = program_reason(case_window, now)
    policy = pack.window_problem(case_window, STACK, now)
    assert (program is None, policy is None) == (is_open, is_open), (program, policy)
    if phrase:
        assert phrase in program and phrase in policy
        assert program.endswith(policy)  # the same words, the program's only prefixed with its config key


def test_the_two_definitions_have_the_same_fields_and_limits():
    assert guard.WINDOW_FIELDS == pack.WINDOW_FIELDS
    assert guard.MAX_WINDOW == pack.MAX_WINDOW == timedelta(hours=24)
    assert guard.MAX_TEXT == pack.MAX_TEXT


@pytest.mark.parametrize(("case", "case_window", "now", "is_open", "phrase"), TABLE, ids=[row[0] for row in TABLE])
def test_both_entry_points_stop_a_production_update_alike(monkeypatch, case, case_window, now, is_open, phrase):
    """The program's guard as the program calls it, the pack's rule as the policy calls it."""
    try:
        guard.check_update_allowed(STACK, False, json.dumps(case_window), now)
        program_open = True
    except guard.ProductionUpdateRefused:
        program_open = False
    monkeypatch.setattr(pack, "utcnow", lambda: now)
    ctx = ResourceContext("pulumi:pulumi:Stack", "kk", {}, stack=STACK, config={"releaseWindow": case_window})
    assert (program_open, pack.RULE.evaluate(ctx).violations == []) == (is_open, is_open)


def test_docs_and_stack_file_describe_the_same_contract():
    fields = set(pack.WINDOW_FIELDS)
    stack_file = (ROOT / "Pulumi.production.yaml").read_text()
    assert set(re.findall(r"'releaseWindow\.(\w+)'", stack_file)) == fields
    assert "24 h" in stack_file and "[notBefore, notAfter)" in stack_file

    docs = (ROOT / "docs" / "policies.md").read_text()
    examples = [json.loads("{" + block + "}") for block in re.findall(r"```json\n(.*?)\n\s*```", docs, re.S)]
    windows = [e["stop-before-production"]["releaseWindow"] for e in examples if "stop-before-production" in e]
    assert windows and all(set(w) == fields for w in windows)
    assert "24 h" in docs and "[notBefore, notAfter)" in docs
    # The documented example opens production for its own stack, in both places.
    assert all(pack.window_problem(w, "production", datetime.fromisoformat(w["notBefore"])) is None for w in windows)

    deploying = (ROOT / "docs" / "deploying.md").read_text()
    assert all(f"`{f}`" in deploying for f in fields)


def test_the_committed_production_stack_sets_no_window():
    config = yaml.safe_load((ROOT / "Pulumi.production.yaml").read_text())["config"]
    assert "kitchen-kontrol:releaseWindow" not in config
