"""Stack config → typed settings: every bad key reported at once, by name, without its value."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stacks.settings import KEYS, ConfigError, parse_settings

CANARY = "CANARYvalue0123"


def raw_from(stack_config: dict) -> dict:
    """Strip the namespace and stringify as the engine does (PULUMI_CONFIG)."""
    out = {}
    for key, value in stack_config.items():
        if not key.startswith("kitchen-kontrol:"):
            continue
        name = key.split(":", 1)[1]
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, (list, dict, int)):
            out[name] = json.dumps(value)
        else:
            out[name] = value
    return out


@pytest.fixture(scope="session")
def staging_raw(staging_config):
    return raw_from(staging_config)


def error_for(raw: dict, **changes) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_settings("staging", {**raw, **changes})
    return str(caught.value)


def test_committed_staging_config_is_valid(staging_raw):
    settings = parse_settings("staging", staging_raw)
    assert settings.app.port == 3002
    assert settings.app.health_path == "/api/health"
    assert settings.database.name == "kitchen_kontrol_staging"
    assert settings.database.instance_class == "db.t4g.micro"
    assert settings.database.backup_retention_days == 7
    assert settings.tags == {"project": "kitchen-kontrol", "environment": "staging", "managed-by": "pulumi"}


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("appPort", "70000", "at most 65535"),
        ("appPort", "0", "at least 1"),
        ("appPort", "thirty", "an integer"),
        ("dbBackupRetentionDays", "3", "at least 7"),
        ("dbAllowedCidrs", json.dumps(["0.0.0.0/0"]), "0.0.0.0/0 is never allowed"),
        ("dbAllowedCidrs", json.dumps(["10.0.0.1/8"]), "host bits zero"),
        ("dbAllowedCidrs", "203.0.113.7/32", "a list"),
        ("appRepo", "git@github.com:rubyrayjuntos/kitchen-kontrol.git", "https://github.com/OWNER/REPO"),
        ("appRepo", f"https://user:{CANARY}@github.com/a/b", "without credentials"),
        ("dbDeletionProtection", "yes", "true or false"),
        ("renderRegion", "mars", "one of"),
        ("renderPlan", "free", "one of"),
        ("appNodeEnv", "prod", "one of"),
        ("dbEngineVersion", "9.6", "matching"),
        ("dbMaxAllocatedStorage", "10", "at least"),
        ("renderCustomDomain", "Not A Host", "hostname"),
        ("dbVpcCidr", "8.8.0.0/16", "private"),
    ],
)
def test_bad_value_names_key_file_and_expectation(staging_raw, key, value, expected):
    message = error_for(staging_raw, **{key: value})
    assert f"kitchen-kontrol:{key}" in message
    assert "Pulumi.staging.yaml" in message
    assert expected in message
    assert CANARY not in message


def test_every_bad_key_is_listed_in_one_error(staging_raw):
    message = error_for(staging_raw, appPort="0", dbBackupRetentionDays="1", renderRegion="mars", bogusKey="x")
    for key in ("appPort", "dbBackupRetentionDays", "renderRegion", "bogusKey"):
        assert f"kitchen-kontrol:{key}" in message
    assert "unknown key" in message
    assert "\n" not in message


def test_cross_field_errors_name_their_own_key(staging_raw):
    # Two checks across database fields: each names the key it is about, not a fixed one.
    ceiling = error_for(staging_raw, dbAllocatedStorage="100", dbMaxAllocatedStorage="50")
    assert "kitchen-kontrol:dbMaxAllocatedStorage: expected at least kitchen-kontrol:dbAllocatedStorage" in ceiling
    network = error_for(staging_raw, dbVpcId="vpc-0123456789abcdef0", dbVpcCidr="10.1.0.0/16")
    assert "kitchen-kontrol:dbVpcCidr: only used for the dedicated VPC" in network
    assert "dbMaxAllocatedStorage" not in network
    assert parse_settings("staging", {**staging_raw, "dbVpcId": "vpc-0123456789abcdef0"}).database.vpc_id


def test_missing_required_cidrs(staging_raw):
    raw = dict(staging_raw)
    del raw["dbAllowedCidrs"]
    assert "kitchen-kontrol:dbAllowedCidrs: required" in error_for(raw)


def test_release_window_is_a_known_key(staging_raw):
    parse_settings("staging", {**staging_raw, "releaseWindow": "{}"})


config_values = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["true", "false", "[]", "[1]", '["x"]', "{}", "null", CANARY]),
    st.lists(st.text(max_size=12), max_size=3).map(json.dumps),
)


@settings(max_examples=150, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(KEYS)), config_values, min_size=1, max_size=5))
def test_any_config_gives_settings_or_one_clear_error(staging_raw, changes):
    try:
        parse_settings("staging", {**staging_raw, **changes})
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith("invalid configuration in Pulumi.staging.yaml")
        assert any(f"kitchen-kontrol:{key}" in message for key in changes)
        assert CANARY not in message
