"""A rule the settings and a component both enforce gives one answer, in the same words (components/rules.py)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from components.database import PostgresDatabaseArgs
from components.error_tracking import ErrorTrackingArgs
from components.network import DatabaseNetworkArgs
from components.uptime import OnCallContact, UptimeMonitorArgs
from stacks.settings import DatabaseSettings, MonitoringSettings

DATABASE = {
    "identifier": "kk-staging",
    "db_name": "kitchen",
    "username": "kk_admin",
    "allowed_cidrs": ["10.1.0.0/16"],
    "ca_file_path": "/etc/secrets/rds-global-bundle.pem",
}
SETTINGS_DATABASE = {"name": "kitchen", "allowed_cidrs": ("10.1.0.0/16",)}
MONITORING = {"sentry_organization": "acme", "contacts": ("primary: Ann Lee <ann@acme.dev>",)}
TRACKING = {
    "organization": "acme",
    "team_slug": "kk-staging",
    "project_slug": "kk-staging",
    "environment": "staging",
    "app_environment": "staging",
    "oncall_emails": ["ann@acme.dev"],
}
UPTIME = {"monitor_name": "kk health", "health_url": "https://kk.example.com/api/health"}


def settings_refusal(model, base: dict, **change) -> str:
    with pytest.raises(ValidationError) as refused:
        model(**{**base, **change})
    return str(refused.value)


def component_refusal(args, base: dict, **change) -> str:
    with pytest.raises(ValueError) as refused:
        args(**{**base, **change})
    return str(refused.value)


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "8.8.0.0/16", "10.42.0.0/25", "10.42.0.1/16", "fd00::/48"])
def test_the_dedicated_vpc_range(cidr):
    expected = "expected a private IPv4 CIDR between /16 and /24, such as 10.42.0.0/16"
    assert expected in settings_refusal(DatabaseSettings, SETTINGS_DATABASE, vpc_cidr=cidr)
    assert expected in component_refusal(DatabaseNetworkArgs, {}, cidr_block=cidr)


@pytest.mark.parametrize(
    ("cidr", "expected"),
    [
        ("0.0.0.0/0", "0.0.0.0/0 is too wide"),
        ("10.0.0.0/8", "10.0.0.0/8 is too wide"),
        ("::/0", "::/0 is too wide"),
        ("10.0.0.1/24", "10.0.0.1/24 is not a CIDR"),
        ("hunter2-password", "the entry is not a CIDR"),  # a pasted secret is never echoed
    ],
)
def test_who_may_reach_the_database(cidr, expected):
    assert expected in settings_refusal(DatabaseSettings, SETTINGS_DATABASE, allowed_cidrs=(cidr,))
    assert expected in component_refusal(PostgresDatabaseArgs, DATABASE, allowed_cidrs=[cidr])


@pytest.mark.parametrize(
    ("settings_field", "component_field", "value"),
    [
        ("name", "db_name", "Kitchen"),
        ("name", "db_name", "1st_db"),
        ("username", "username", "postgres"),
        ("username", "username", "a_username_of_17ch"),
    ],
)
def test_database_and_user_names(settings_field, component_field, value):
    assert settings_refusal(DatabaseSettings, SETTINGS_DATABASE, **{settings_field: value})
    assert component_field in component_refusal(PostgresDatabaseArgs, DATABASE, **{component_field: value})


@pytest.mark.parametrize("slug", ["Acme", "acme corp", "-acme", "a" * 51])
def test_sentry_slugs(slug):
    assert "sentry_organization" in settings_refusal(MonitoringSettings, MONITORING, sentry_organization=slug)
    assert "organization: expected a Sentry slug" in component_refusal(ErrorTrackingArgs, TRACKING, organization=slug)


def test_the_uptime_interval_floor_and_default():
    contacts = [OnCallContact(name="Ann Lee", email="ann@acme.dev")]
    assert settings_refusal(MonitoringSettings, MONITORING, uptime_interval_seconds=59)
    assert "expected at least 60" in component_refusal(
        UptimeMonitorArgs, {**UPTIME, "contacts": contacts}, interval_seconds=59
    )
    # The free plan's floor is the default on both sides.
    assert MonitoringSettings(**MONITORING).uptime_interval_seconds == 300
    assert UptimeMonitorArgs(**UPTIME, contacts=contacts).interval_seconds == 300
