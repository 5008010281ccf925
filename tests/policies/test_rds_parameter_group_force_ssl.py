"""rds-parameter-group-force-ssl: the parameter group must set rds.force_ssl = 1."""

from __future__ import annotations

import pytest

from policies.rules import rds_parameter_group_force_ssl as rule
from tests.support.policy import PARAMETER_GROUP, assert_case, assert_unknown, baseline, run_rule

PG = f'{PARAMETER_GROUP} "r"'
MISSING = f'{PG}: parameters must contain name "rds.force_ssl" with value "1"'


def test_baseline_passes(analyze):
    assert_case(analyze, rule, PARAMETER_GROUP, baseline(PARAMETER_GROUP), [])


@pytest.mark.parametrize(
    "parameters",
    [
        [{"name": "rds.force_ssl", "value": "0"}],
        [{"name": "log_min_duration_statement", "value": "500"}],
        None,
    ],
)
def test_without_force_ssl_fails(analyze, parameters):
    assert_case(analyze, rule, PARAMETER_GROUP, baseline(PARAMETER_GROUP, parameters=parameters), [MISSING])


def test_numeric_value_counts():
    props = baseline(PARAMETER_GROUP, parameters=[{"name": "rds.force_ssl", "value": 1}])
    assert run_rule(rule.RULE, PARAMETER_GROUP, props).violations == []


def test_other_engine_families_are_ignored():
    props = baseline(PARAMETER_GROUP, family="mysql8.0", parameters=[])
    assert run_rule(rule.RULE, PARAMETER_GROUP, props).violations == []


def test_unknown(analyze):
    assert_unknown(analyze, rule, PARAMETER_GROUP, baseline(PARAMETER_GROUP), "parameters")
