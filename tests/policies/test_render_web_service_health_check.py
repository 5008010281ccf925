"""render-web-service-health-check: serviceDetails.healthCheckPath must be set."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown

from policies.rules import render_web_service_health_check as rule
from tests.support.policy import WEB_SERVICE, baseline, messages, preview_notes, run_rule

W = f'{WEB_SERVICE} "r"'
FAIL_CLOSED = "is unknown during the update, so it cannot be checked; failing closed"


def with_path(path):
    props = baseline(WEB_SERVICE)
    if path is None:
        del props["serviceDetails"]["healthCheckPath"]
    else:
        props["serviceDetails"]["healthCheckPath"] = path
    return props


def test_baseline_passes(analyze):
    assert run_rule(rule.RULE, WEB_SERVICE, baseline(WEB_SERVICE)).violations == []
    assert analyze(WEB_SERVICE, baseline(WEB_SERVICE), policy=rule.NAME) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (None, "serviceDetails.healthCheckPath is not set"),
        ("", "serviceDetails.healthCheckPath is not set"),
        ("healthz", 'serviceDetails.healthCheckPath must start with "/"'),
    ],
)
def test_missing_or_bad_path_fails(analyze, path, expected):
    assert messages(run_rule(rule.RULE, WEB_SERVICE, with_path(path))) == [f"{W}: {expected}"]
    diags = analyze(WEB_SERVICE, with_path(path), policy=rule.NAME)
    assert [d.message.split("\n", 1)[1] for d in diags] == [f"{W}: {expected}"]


def test_no_service_details_fails():
    props = baseline(WEB_SERVICE, serviceDetails=None)
    assert messages(run_rule(rule.RULE, WEB_SERVICE, props)) == [f"{W}: serviceDetails.healthCheckPath is not set"]


def test_unknown(analyze):
    update = analyze(WEB_SERVICE, with_path(Unknown()), policy=rule.NAME)
    assert [(d.enforcement_level, d.message.split("\n", 1)[1]) for d in update] == [
        (
            "mandatory",
            f"{W}: serviceDetails.healthCheckPath {FAIL_CLOSED}",
        )
    ]
    assert analyze(WEB_SERVICE, with_path(Unknown()), dry_run=True, policy=rule.NAME) == []
    record = analyze.record(WEB_SERVICE, with_path(Unknown()))
    assert preview_notes(analyze.packs[("staging", True)], [record], rule.NAME) == [
        f"{rule.NAME}: 1 resource has values known only during the update; the update checks them and fails closed"
    ]
