"""The pack refuses a policy config that switches `stop-before-production` or `no-production-secrets`
off or down, through the same Configure call the Pulumi CLI makes (`ops.analyzer` drives the real pack)."""

from __future__ import annotations

import pytest

from ops.analyzer.client import AnalyzerError, PolicyAnalyzer
from policies.rules._enforcement import GUARDED, weakened

STRICT = dict.fromkeys(GUARDED, "mandatory")
NO_PRODUCTION_VALUES = GUARDED[1]  # the rule's name, spelled once


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"stop-before-production": {"enforcementLevel": "disabled"}},
            "stop-before-production: enforcementLevel disabled",
        ),
        ({"all": "advisory"}, "no-production-secrets: enforcementLevel advisory"),
        ({"all": "advisory"}, "stop-before-production: enforcementLevel advisory"),
        ({NO_PRODUCTION_VALUES: "disabled"}, f"{NO_PRODUCTION_VALUES}: enforcementLevel disabled"),
        (
            {"stop-before-production": {"productionStackPattern": "^nothing$"}},
            "productionStackPattern must match production and prod, it misses production, prod",
        ),
    ],
)
def test_the_pack_refuses_a_weakening_config(config, expected):
    with PolicyAnalyzer(project="kitchen-kontrol", stack="production", dry_run=False, policy_config=config) as pack:
        with pytest.raises(AnalyzerError) as refused:
            pack.info()
    assert "weakens the production guardrails and is refused" in str(refused.value)
    assert expected in str(refused.value)


def test_the_committed_configs_are_accepted():
    for stack in ("staging", "production"):
        config = f"policies/config.{stack}.json"
        with PolicyAnalyzer(project="kitchen-kontrol", stack=stack, dry_run=True, policy_config=config) as pack:
            assert pack.info()


@pytest.mark.parametrize("level", ["mandatory", "remediate"])
def test_enforcing_levels_and_other_rules_are_free(level):
    levels = {**STRICT, "stop-before-production": level, "aws-required-tags": "advisory"}
    assert weakened(levels, {"stop-before-production": {"productionStackPattern": "^(prod|production|live)$"}}) == []


def test_a_broken_pattern_is_a_weakening_too():
    assert weakened(STRICT, {"no-production-secrets": {"productionStackPattern": "("}}) == [
        "no-production-secrets: productionStackPattern must match production and prod, it misses production, prod"
    ]
