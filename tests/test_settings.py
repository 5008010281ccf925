"""Stack config → typed settings: every bad key reported at once, by name, without its value."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stacks.config_keys import KEYS
from stacks.config_parsing import ConfigError, parse_settings
from tests.support.stack_config import CANARY, raw_from


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


@pytest.mark.parametrize(
    ("key", "guess"),
    [
        ("dbAlowedCidrs", "dbAllowedCidrs"),
        ("dballowedcidrs", "dbAllowedCidrs"),
        ("renderplan", "renderPlan"),
        ("releaseWindw", "releaseWindow"),
    ],
)
def test_a_misspelled_key_gets_the_closest_known_one(staging_raw, key, guess):
    message = error_for(staging_raw, **{key: "x"})
    assert f"kitchen-kontrol:{key}: unknown key; did you mean kitchen-kontrol:{guess}?" in message
    assert "appBuildCommand" not in message  # not the list of all keys


def test_an_unknown_key_far_from_any_is_not_answered_with_the_whole_list(staging_raw):
    message = error_for(staging_raw, zebra="x")
    assert "kitchen-kontrol:zebra: unknown key; no known key is close" in message
    assert message.count("kitchen-kontrol:") == 1


def test_a_bad_list_entry_is_named_by_its_index(staging_raw):
    cidrs = ["203.0.113.0/28", "10.0.0.1/33", "0.0.0.0/0", f"{CANARY}/32"]
    message = error_for(staging_raw, dbAllowedCidrs=json.dumps(cidrs))
    assert "kitchen-kontrol:dbAllowedCidrs[1]: 10.0.0.1/33 is not a CIDR" in message
    assert "kitchen-kontrol:dbAllowedCidrs[2]: 0.0.0.0/0 is too wide" in message
    # Only address-like entries are echoed: a pasted secret is named by its index alone.
    assert "kitchen-kontrol:dbAllowedCidrs[3]: the entry is not a CIDR" in message
    assert "[0]" not in message and CANARY not in message


def test_repeated_entries_name_both_indexes(staging_raw):
    message = error_for(staging_raw, dbAllowedCidrs=json.dumps(["203.0.113.0/28", "198.51.100.0/28", "203.0.113.0/28"]))
    assert "kitchen-kontrol:dbAllowedCidrs: expected each CIDR once; [2] repeats [0]" in message


def test_a_bad_contact_is_named_by_its_index(staging_raw):
    contacts = ["primary: Ana <ana@kitchen-kontrol.dev>", "Bo <bo@kitchen-kontrol.dev>"]
    message = error_for(staging_raw, oncallContacts=json.dumps(contacts))
    assert "kitchen-kontrol:oncallContacts[1]: expected entries like" in message


@pytest.mark.parametrize(
    ("region", "problem"),
    [
        ("us-east-7", "'us-east-7' is not a region the AWS SDK knows; did you mean us-east-"),
        ("mars", "'mars' is not a region the AWS SDK knows (e.g. us-east-1)"),
        (CANARY, "the value is not a region"),
    ],
)
def test_aws_region_is_checked_with_the_other_keys(staging_raw, region, problem):
    with pytest.raises(ConfigError) as caught:
        parse_settings("staging", {**staging_raw, "appPort": "0"}, config={"aws:region": region})
    message = str(caught.value)
    assert f"aws:region: {problem}" in message
    assert "kitchen-kontrol:appPort" in message  # one error, every problem
    assert CANARY not in message


def test_known_regions_are_the_aws_sdks():
    import pulumi_aws

    from stacks.aws_regions import known_regions, regions_from_endpoints

    assert {region.value for region in pulumi_aws.Region} <= known_regions()
    assert {"us-east-1", "eu-central-1", "us-gov-west-1", "cn-north-1"} <= known_regions()
    endpoints = {
        "partitions": [
            {"partition": "aws", "regions": {"us-east-1": {}, "xx-new-1": {}}},
            {"regions": {"cn-north-1": {}}},
        ]
    }
    assert regions_from_endpoints(endpoints) == {"us-east-1", "xx-new-1", "cn-north-1"}


@pytest.fixture
def botocore_endpoints(monkeypatch):
    """Install a stand-in `botocore.loaders` whose endpoint data comes from the function given; the region
    cache is cleared before and after, so each test sees only its own botocore."""
    import sys
    import types

    from stacks import aws_regions

    def install(load_data) -> None:
        loaders = types.ModuleType("botocore.loaders")
        loaders.Loader = type("Loader", (), {"load_data": lambda _self, name: load_data(name)})
        monkeypatch.setitem(sys.modules, "botocore", types.ModuleType("botocore"))
        monkeypatch.setitem(sys.modules, "botocore.loaders", loaders)
        aws_regions.known_regions.cache_clear()

    yield install
    aws_regions.known_regions.cache_clear()


def test_botocores_regions_count_when_it_is_installed(botocore_endpoints):
    """A region botocore knows before the pinned pulumi-aws does is accepted."""
    from stacks import aws_regions

    def load_data(name):
        assert name == "endpoints"
        return {"partitions": [{"regions": {"zz-future-1": {"description": "a region newer than pulumi-aws"}}}]}

    botocore_endpoints(load_data)
    assert aws_regions.region_problem("zz-future-1") is None
    assert aws_regions.region_problem("us-east-1") is None


def test_a_region_the_pinned_sdk_knows_never_reads_botocores_endpoint_data(botocore_endpoints):
    from stacks import aws_regions

    def load_data(name):
        raise AssertionError("botocore's endpoint data was read for a region pulumi-aws knows")

    botocore_endpoints(load_data)
    assert aws_regions.region_problem("eu-west-1") is None
