"""`kitchen-kontrol:escalationLevels`: typed, declared with its default, checked against the on-call list."""

from __future__ import annotations

import json

import pytest
import yaml

from stacks.config_parsing import ConfigError, parse_settings
from stacks.settings import DEFAULT_ESCALATION, EscalationLevel
from tests.support.env import ROOT
from tests.support.plan import ONCALL
from tests.support.stack_config import CANARY, raw_from


@pytest.fixture(scope="module")
def raw(staging_config):
    return {**raw_from(staging_config), "oncallContacts": json.dumps(ONCALL)}


def levels(raw: dict, entries: list[str]):
    return parse_settings("staging", {**raw, "escalationLevels": json.dumps(entries)}).monitoring.escalation


def test_entries_become_typed_levels(raw):
    parsed = levels(raw, ["10m: primary", "45m: backup", "2h: Cy Dorn <Cy@Kitchen-Kontrol.dev>"])
    assert parsed == (
        EscalationLevel(response_minutes=10, oncall_role="primary"),
        EscalationLevel(response_minutes=45, oncall_role="backup"),
        EscalationLevel(response_minutes=120, name="Cy Dorn", email="cy@kitchen-kontrol.dev"),
    )


def test_both_stack_files_set_levels_and_the_declared_default_is_the_models(raw, staging_config):
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]["escalationLevels"]
    assert project["default"] == list(DEFAULT_ESCALATION)
    primary_first = (EscalationLevel(response_minutes=15, oncall_role="primary"),)
    default = parse_settings("staging", {**raw, "escalationLevels": json.dumps(project["default"])})
    assert default.monitoring.escalation == primary_first
    without = {key: value for key, value in raw.items() if key != "escalationLevels"}
    assert parse_settings("staging", without).monitoring.escalation == primary_first
    for stack in ("staging", "production"):
        stack_config = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
        assert len(stack_config["kitchen-kontrol:escalationLevels"]) >= 2, stack


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (["soon: primary"], 'expected entries like "15m: primary"'),
        (["15m primary"], "expected entries like"),
        (["15m: chief"], "expected entries like"),
        ([f"15m: Ana <{CANARY}>"], "expected entries like"),
        (["30m: primary", "15m: backup"], "response times that increase"),
        (["15m: primary", "15m: backup"], "response times that increase"),
        (["0m: primary"], "at least 1"),
        (["200h: primary"], "at most 10080"),
        ([], "between 1 and"),
    ],
)
def test_bad_levels_name_the_key_and_the_expectation(raw, entries, expected):
    with pytest.raises(ConfigError) as caught:
        levels(raw, entries)
    message = str(caught.value)
    assert "kitchen-kontrol:escalationLevels" in message
    assert expected in message
    assert CANARY not in message


def test_a_role_without_on_call_people_is_refused_naming_both_keys(raw):
    only_primary = {**raw, "oncallContacts": json.dumps(ONCALL[:1])}
    with pytest.raises(ConfigError) as caught:
        levels(only_primary, ["15m: primary", "30m: backup"])
    assert (
        "kitchen-kontrol:escalationLevels: names the backup on-call, but kitchen-kontrol:oncallContacts has none"
        in str(caught.value)
    )
