"""Shared assertions: a case is checked directly (pure function) AND through the real pack."""

from __future__ import annotations

from typing import Any

from conftest import messages, run_rule
from pulumi.output import Unknown
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE


def assert_case(analyze: Any, rule: Any, resource_type: str, props: dict, expected: list[str], **ctx: Any) -> None:
    """``expected`` are the violation messages (without the description line) for an update of staging."""
    assert messages(run_rule(rule.RULE, resource_type, props, **ctx)) == expected
    stack = ctx.get("stack", "staging")
    diags = analyze(resource_type, props, stack=stack, policy=rule.NAME)
    assert [d.message.split("\n", 1)[1] for d in diags] == expected
    assert all(d.message.split("\n", 1)[0] == rule.RULE.description for d in diags)
    assert all(d.enforcement_level == "mandatory" for d in diags)


def assert_unknown(analyze: Any, rule: Any, resource_type: str, props: dict, key: str) -> None:
    """``props[key]`` unknown: an unknown finding directly, fail closed on update, advisory on preview."""
    direct = dict(props, **{key: UNKNOWN_STRING_VALUE})
    verdict = run_rule(rule.RULE, resource_type, direct)
    assert verdict.violations == [] and [f.unknown_path for f in verdict.unknowns] == [key]
    wire = dict(props, **{key: Unknown()})
    update = analyze(resource_type, wire, policy=rule.NAME)
    assert [(d.enforcement_level, d.message.split("\n", 1)[1]) for d in update] == [
        (
            "mandatory",
            f'{resource_type} "r": {key} is unknown during the update, so it cannot be checked; failing closed',
        )
    ]
    preview = analyze(resource_type, wire, dry_run=True, policy=rule.NAME)
    assert [d.enforcement_level for d in preview] == ["advisory"]
    assert preview[0].message.startswith(f"can't run policy '{rule.NAME}' from policy pack 'kitchen-kontrol@v0.0.1'")
    assert f"{key} is not known until the update" in preview[0].message
