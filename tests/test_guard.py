"""The program's key to production: preview always, update only inside an approved window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from stacks.guard import ProductionUpdateRefused, check_update_allowed, evaluate_window, is_production

OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(hours=2)
TICK = timedelta(microseconds=1)


@pytest.fixture
def window() -> dict:
    return {
        "stack": "production",
        "approvedBy": "Jane Doe",
        "changeReference": "CHG-1234",
        "notBefore": OPENS.isoformat(),
        "notAfter": CLOSES.isoformat(),
    }


@pytest.mark.parametrize("stack", ["production", "prod", "prod-eu", "production_2", "prod-"])
def test_production_names(stack):
    assert is_production(stack)


@pytest.mark.parametrize("stack", ["staging", "dev", "product", "preprod", "staging-prod", "Prod"])
def test_non_production_names(stack):
    assert not is_production(stack)


@pytest.mark.parametrize(
    ("now", "is_open"),
    [
        (OPENS - TICK, False),
        (OPENS, True),
        (OPENS + TICK, True),
        (CLOSES - TICK, True),
        (CLOSES, False),
        (CLOSES + TICK, False),
    ],
)
def test_window_is_half_open(window, now, is_open):
    assert evaluate_window(json.dumps(window), now, "production").open is is_open


def test_update_inside_window_proceeds_with_a_note(window):
    note = check_update_allowed("production", False, json.dumps(window), OPENS)
    assert "CHG-1234" in note and "Jane Doe" in note


@pytest.mark.parametrize("unset", [None, "", "{}"], ids=["absent", "empty", "pulumi-yaml-default"])
def test_update_without_window_is_refused_with_the_same_words_however_it_is_unset(unset):
    with pytest.raises(
        ProductionUpdateRefused, match="stop-before-production.*kitchen-kontrol:releaseWindow: no release window is set"
    ):
        check_update_allowed("production", False, unset, OPENS)


def test_update_before_window_says_when_it_opens(window):
    with pytest.raises(ProductionUpdateRefused, match="CHG-1234 opens at 2026-12-01T09:00:00"):
        check_update_allowed("production", False, json.dumps(window), OPENS - TICK)


def test_update_after_window_says_it_closed(window):
    with pytest.raises(ProductionUpdateRefused, match="CHG-1234 closed at 2026-12-01T11:00:00"):
        check_update_allowed("production", False, json.dumps(window), CLOSES)


def test_window_for_another_stack_does_not_open_this_one(window):
    with pytest.raises(ProductionUpdateRefused, match='releaseWindow is for stack "production", not "prod-eu"'):
        check_update_allowed("prod-eu", False, json.dumps(window), OPENS)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"notAfter": "2026-12-01T11:00:00"}, "releaseWindow.notAfter has no time zone"),
        ({"notBefore": "tomorrow"}, "releaseWindow.notBefore is not an ISO-8601 timestamp"),
        ({"notBefore": 1764579600}, "releaseWindow.notBefore must be a string"),
        ({"approvedBy": None}, "releaseWindow is missing field(s): approvedBy"),
        ({"stack": None}, "releaseWindow is missing field(s): stack"),
        ({"extra": "x"}, "releaseWindow has unknown field(s) extra"),
        ({"notAfter": OPENS.isoformat()}, "notAfter must be later than notBefore"),
        ({"notAfter": (OPENS + timedelta(hours=25)).isoformat()}, "longer than the 24 h maximum"),
        ({"approvedBy": "x" * 201}, "releaseWindow.approvedBy is longer than 200 characters"),
    ],
)
def test_malformed_window_stays_refused_and_says_why(window, change, reason):
    broken = {k: v for k, v in {**window, **change}.items() if v is not None}
    verdict = evaluate_window(json.dumps(broken), OPENS + timedelta(minutes=5), "production")
    assert not verdict.open
    assert reason in verdict.reason
    with pytest.raises(ProductionUpdateRefused, match="kitchen-kontrol:releaseWindow: "):
        check_update_allowed("production", False, json.dumps(broken), OPENS + timedelta(minutes=5))


def test_not_json_window_is_malformed():
    assert "not a JSON object" in evaluate_window("{not json", OPENS, "production").reason


def test_preview_of_production_passes_and_says_apply_is_blocked():
    note = check_update_allowed("production", True, None, OPENS)
    assert "the apply is blocked" in note


def test_staging_is_never_gated():
    assert check_update_allowed("staging", False, None, OPENS) is None


@pytest.mark.parametrize("stack", ["live", "prd", "production2", "staging"])
def test_production_values_make_any_stack_production(stack):
    assert is_production(stack, "production") and is_production(stack, " Production ")
    assert not is_production(stack, "staging") and not is_production(stack)


@pytest.mark.parametrize("stack", ["live", "prd", "production2"])
def test_an_update_of_a_stack_with_production_values_needs_the_window(stack):
    with pytest.raises(ProductionUpdateRefused, match=f"refusing to update production stack '{stack}'"):
        check_update_allowed(stack, False, None, OPENS, node_env="production")
    assert check_update_allowed(stack, False, None, OPENS, node_env="staging") is None
