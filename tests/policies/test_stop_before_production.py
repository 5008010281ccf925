"""stop-before-production: every resource of a production update is stopped unless a window is open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ops.analyzer.client import PolicyAnalyzer
from ops.analyzer.wire import ResourceRecord
from policies.rules import stop_before_production as rule
from policies.rules._types import SNS_TOPIC
from tests.support.policy import CANARY_POLICY_CONFIG, RDS_INSTANCE, baseline, messages, run_rule

OPENS = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
CLOSES = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


def window(**changes):
    w = {
        "stack": "production",
        "approvedBy": "ops-lead",
        "changeReference": "CHG-1042",
        "notBefore": OPENS.isoformat(),
        "notAfter": CLOSES.isoformat(),
    }
    w.update(changes)
    return {k: v for k, v in w.items() if v is not None}


@pytest.fixture
def clock(monkeypatch):
    def set_now(now: datetime) -> None:
        monkeypatch.setattr(rule, "utcnow", lambda: now)

    return set_now


def verdict(stack="production", dry_run=False, release_window=None, resource_type="pulumi:pulumi:Stack", **cfg):
    config = dict(cfg)
    if release_window is not None:
        config["releaseWindow"] = release_window
    return run_rule(rule.RULE, resource_type, {}, stack=stack, dry_run=dry_run, config=config)


@pytest.mark.parametrize("stack", ["production", "prod", "prod-eu", "production_2"])
def test_update_of_production_stack_is_stopped_without_window(stack):
    assert messages(verdict(stack=stack)) == [
        f'update of production stack "{stack}" stopped before pulumi:pulumi:Stack "r" changes: '
        "no release window is configured (policy config releaseWindow)"
    ]


@pytest.mark.parametrize(
    "resource_type", [RDS_INSTANCE, "kitchen-kontrol:index:PostgresDatabase", "pulumi:providers:aws"]
)
def test_every_resource_type_counts(resource_type):
    assert len(verdict(resource_type=resource_type).violations) == 1


@pytest.mark.parametrize("stack", ["staging", "productions", "preprod", "dev", "my-prod"])
def test_non_production_stacks_pass(stack):
    assert verdict(stack=stack).violations == []


def test_preview_of_production_passes():
    assert verdict(dry_run=True).violations == []


def test_custom_production_pattern():
    assert len(verdict(stack="live", productionStackPattern="^live$").violations) == 1
    assert verdict(stack="production", productionStackPattern="^live$").violations == []


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (OPENS - US, False),
        (OPENS, True),  # half-open: notBefore is inside
        (OPENS + US, True),
        (CLOSES - US, True),
        (CLOSES, False),  # notAfter is outside
        (CLOSES + US, False),
    ],
)
def test_clock_edges(clock, now, open_):
    clock(now)
    assert (verdict(release_window=window()).violations == []) is open_


def test_not_yet_open_says_when(clock):
    clock(OPENS - timedelta(hours=1))
    assert messages(verdict(release_window=window()))[0].endswith(
        "release window CHG-1042 opens at 2026-06-01T08:00:00+00:00"
    )


def test_closed_says_when(clock):
    clock(CLOSES)
    assert messages(verdict(release_window=window()))[0].endswith(
        "release window CHG-1042 closed at 2026-06-01T10:00:00+00:00"
    )


def test_other_zone_offsets_compare_as_instants(clock):
    clock(OPENS)
    assert verdict(release_window=window(notBefore="2026-06-01T10:00:00+02:00")).violations == []
    assert verdict(release_window=window(notBefore="2026-06-01T08:00:00Z")).violations == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"approvedBy": None}, "releaseWindow is missing field(s): approvedBy"),
        ({"changeReference": "  ", "stack": None}, "releaseWindow is missing field(s): stack, changeReference"),
        ({"stack": "staging"}, 'releaseWindow is for stack "staging", not "production"'),
        (
            {"notBefore": "2026-06-01T08:00:00"},
            "releaseWindow.notBefore has no time zone (write e.g. 2026-12-01T09:00:00+00:00)",
        ),
        (
            {"notAfter": "2026-06-01 10:00"},
            "releaseWindow.notAfter has no time zone (write e.g. 2026-12-01T09:00:00+00:00)",
        ),
        (
            {"notAfter": "tomorrow"},
            "releaseWindow.notAfter is not an ISO-8601 timestamp (write e.g. 2026-12-01T09:00:00+00:00)",
        ),
        ({"notAfter": 1780000000}, "releaseWindow.notAfter must be a string"),
        (
            {"extra": "x"},
            "releaseWindow has unknown field(s) extra; expected "
            "stack, approvedBy, changeReference, notBefore, notAfter",
        ),
        ({"notAfter": "2026-06-02T08:00:00.000001+00:00"}, "releaseWindow is longer than the 24 h maximum"),
        ({"notAfter": OPENS.isoformat()}, "releaseWindow.notAfter must be later than notBefore"),
    ],
)
def test_malformed_window_stays_blocked(clock, changes, reason):
    clock(OPENS)
    assert messages(verdict(release_window=window(**changes))) == [
        f'update of production stack "production" stopped before pulumi:pulumi:Stack "r" changes: {reason}'
    ]


def test_window_that_is_not_an_object(clock):
    clock(OPENS)
    assert messages(verdict(release_window="yes please"))[0].endswith(
        "releaseWindow must be an object with stack, approvedBy, changeReference, notBefore, notAfter"
    )


# --- through the real pack -------------------------------------------------------------


def _policy_config(release_window):
    return {"all": "mandatory", "stop-before-production": {"releaseWindow": release_window}}


def test_protocol_production_update_is_stopped_at_the_first_resource(analyze):
    diags = analyze(
        "pulumi:pulumi:Stack", {}, stack="production", policy="stop-before-production", name="kk-production"
    )
    assert [(d.enforcement_level, d.severity) for d in diags] == [("mandatory", "critical")]
    assert 'stopped before pulumi:pulumi:Stack "kk-production" changes: no release window' in diags[0].message
    assert diags[0].urn == "urn:pulumi:production::kitchen-kontrol::pulumi:pulumi:Stack::kk-production"


def test_protocol_production_preview_passes(analyze):
    assert analyze(RDS_INSTANCE, baseline(RDS_INSTANCE), stack="production", dry_run=True) == []


def test_protocol_open_window_lets_the_update_through(analyze):
    now = datetime.now(UTC)
    open_window = window(
        notBefore=(now - timedelta(hours=1)).isoformat(), notAfter=(now + timedelta(hours=1)).isoformat()
    )
    diags = analyze(RDS_INSTANCE, baseline(RDS_INSTANCE), stack="production", config=_policy_config(open_window))
    assert diags == []


def test_protocol_closed_window_stays_blocked(analyze):
    diags = analyze(
        RDS_INSTANCE,
        baseline(RDS_INSTANCE),
        stack="production",
        config=_policy_config(window()),
        policy="stop-before-production",
    )
    assert len(diags) == 1 and "release window CHG-1042 closed at 2026-06-01T10:00:00+00:00" in diags[0].message


# --------------------------------------------------------------------------- production by its values

NODE_ENV_PRODUCTION = {"serviceId": "srv-1", "envVarKey": "NODE_ENV", "value": "production"}
PRODUCTION_ACCOUNT = "111122223333"


@pytest.fixture(autouse=True)
def fresh_run(monkeypatch):
    # Each test is one run of the pack: nothing recognised by an earlier one carries over.
    monkeypatch.setattr(rule, "_PRODUCTION_BY_VALUE", set())


@pytest.mark.parametrize("stack", ["live", "prd", "production2"])
def test_node_env_production_makes_any_stack_production(stack):
    found = run_rule(rule.RULE, "render:services:EnvVar", NODE_ENV_PRODUCTION, stack=stack)
    assert messages(found) == [
        f'update of production stack "{stack}" (production by its values) stopped before render:services:EnvVar "r" '
        "changes: no release window is configured (policy config releaseWindow)"
    ]
    # From then on the whole run is production: the next resource, with no marker of its own, stops too.
    assert messages(run_rule(rule.RULE, RDS_INSTANCE, {}, stack=stack))


@pytest.mark.parametrize("stack", ["live", "prd", "production2"])
def test_a_production_aws_account_makes_any_stack_production(stack):
    config = {"productionAwsAccountIds": [PRODUCTION_ACCOUNT]}
    arn = f"arn:aws:sns:us-east-1:{PRODUCTION_ACCOUNT}:alarms"
    assert messages(
        run_rule(
            rule.RULE, "aws:cloudwatch/metricAlarm:MetricAlarm", {"alarmActions": [arn]}, stack=stack, config=config
        )
    )
    provider = {"allowedAccountIds": f'["{PRODUCTION_ACCOUNT}"]', "region": "us-east-1"}
    found = run_rule(rule.RULE, RDS_INSTANCE, {}, stack="other", config=config, provider_props=provider)
    assert messages(found)


@pytest.mark.parametrize("stack", ["live", "prd", "production2", "staging"])
def test_staging_values_under_any_name_pass(stack):
    config = {"productionAwsAccountIds": [PRODUCTION_ACCOUNT]}
    staging = {"serviceId": "srv-1", "envVarKey": "NODE_ENV", "value": "staging"}
    assert messages(run_rule(rule.RULE, "render:services:EnvVar", staging, stack=stack, config=config)) == []
    arn = "arn:aws:sns:us-east-1:444455556666:alarms"
    assert messages(run_rule(rule.RULE, SNS_TOPIC, {"arn": arn}, stack=stack, config=config)) == []


def test_a_preview_of_a_stack_with_production_values_passes():
    assert (
        messages(run_rule(rule.RULE, "render:services:EnvVar", NODE_ENV_PRODUCTION, stack="live", dry_run=True)) == []
    )


# --------------------------------------------------------------------------- production by its stack config


def at_the_stack(stack_config, stack="live", **ctx):
    """The rule on the Stack resource, the first registration of a run, with the stack's own config."""
    return run_rule(rule.RULE, "pulumi:pulumi:Stack", {}, stack=stack, stack_config=stack_config, **ctx)


@pytest.mark.parametrize("node_env", ["production", " Production "])
def test_app_node_env_production_in_the_stack_config_stops_the_stack_resource(node_env):
    found = at_the_stack({"kitchen-kontrol:appNodeEnv": node_env, "aws:region": "us-east-1"})
    assert messages(found) == [
        'update of production stack "live" (production by its config: kitchen-kontrol:appNodeEnv) stopped before '
        'pulumi:pulumi:Stack "r" changes: no release window is configured (policy config releaseWindow)'
    ]


def test_a_production_account_or_node_env_anywhere_in_the_stack_config_stops_the_stack_resource():
    config = {"productionAwsAccountIds": [PRODUCTION_ACCOUNT]}
    by_account = at_the_stack({"aws:allowedAccountIds": f'["{PRODUCTION_ACCOUNT}"]'}, config=config)
    assert "(production by its config: aws:allowedAccountIds)" in messages(by_account)[0]
    role = f'{{"roleArn": "arn:aws:iam::{PRODUCTION_ACCOUNT}:role/deploy"}}'
    assert messages(at_the_stack({"aws:assumeRole": role}, config=config))
    extra = at_the_stack({"kitchen-kontrol:appEnvironment": '{"NODE_ENV": "production"}'})
    assert "(production by its config: kitchen-kontrol:appEnvironment)" in messages(extra)[0]


def test_a_staging_stack_config_under_any_name_passes_and_a_preview_always_passes():
    config = {"productionAwsAccountIds": [PRODUCTION_ACCOUNT]}
    staging = {"kitchen-kontrol:appNodeEnv": "staging", "aws:allowedAccountIds": '["444455556666"]'}
    assert messages(at_the_stack(staging, config=config)) == []
    assert messages(at_the_stack({"kitchen-kontrol:appNodeEnv": "production"}, dry_run=True)) == []


def test_the_stack_config_reason_names_keys_never_values():
    canary = "canary-Zq81x-production-secret"  # pragma: allowlist secret
    found = at_the_stack({"kitchen-kontrol:appNodeEnv": "production", "kitchen-kontrol:dbPassword": canary})
    assert found.violations and all(canary not in m for m in messages(found))


def test_protocol_the_pack_reads_the_stack_config_the_engine_hands_it_before_the_first_resource():
    """Through the real pack process: ConfigureStack carries `appNodeEnv: production` for a stack called `live`,
    and the Stack resource, the first registration, is stopped."""
    config = {"kitchen-kontrol:appNodeEnv": "production", "aws:region": "us-east-1"}
    live = {"project": "kitchen-kontrol", "stack": "live", "dry_run": False}
    with PolicyAnalyzer(**live, policy_config=CANARY_POLICY_CONFIG, program_config=config).start() as pack:
        stack = ResourceRecord(
            urn="urn:pulumi:live::kitchen-kontrol::pulumi:pulumi:Stack::kitchen-kontrol-live",
            type="pulumi:pulumi:Stack",
            name="kitchen-kontrol-live",
            inputs={},
        )
        diags = [d for d in pack.analyze(stack) if d.policy_name == rule.NAME]
    assert len(diags) == 1
    reason = "(production by its config: kitchen-kontrol:appNodeEnv) stopped before pulumi:pulumi:Stack"
    assert reason in diags[0].message
