"""Gathering what `ops readiness` judges: the typed settings and both offline plan phases with the policy pack."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ops.program.facts import StackFacts, load_settings
from ops.program.mocks import PlanMocks, random_secret
from ops.program.runner import PlanRefused, run_plan
from ops.program.verdicts import default_policy_config
from ops.readiness.model import Evidence
from ops.shared.errors import UsageError
from ops.shared.project import ROOT


def collect(
    stack: str,
    root: Path = ROOT,
    *,
    policy_config: Path | None = None,
    secret_source: Callable[[int, str], str] | None = None,
) -> Evidence:
    """Settings and both offline plan phases with the pack; failures become evidence, not exceptions.

    Only a stack that does not exist at all is a UsageError."""
    evidence = Evidence(stack=stack, root=root)
    try:
        config, settings = load_settings(stack, root)
    except UsageError as exc:
        if "unknown stack" in str(exc) or "stack name" in str(exc):
            raise
        evidence.settings_error = str(exc)
        return evidence
    try:
        policies = policy_config or default_policy_config(stack, root)
        evidence.policy_config = json.loads(policies.read_text())
        evidence.policy_config_name = policies.name
    except (UsageError, OSError, ValueError) as exc:
        evidence.preview_error = evidence.update_error = f"no usable policy config: {exc}"
        return evidence

    try:
        preview = run_plan(stack, preview=True, root=root, policies=policies)
        evidence.facts = StackFacts(config=config, settings=settings, plan=preview)
    except (UsageError, PlanRefused) as exc:
        evidence.preview_error = str(exc)

    source = secret_source or random_secret

    def recording(length: int, specials: str) -> str:
        value = source(length, specials)
        evidence.generated_secrets.append(value)
        return value

    try:
        evidence.update = run_plan(
            stack, preview=False, root=root, policies=policies, mocks=PlanMocks(preview=False, secret_source=recording)
        )
    except PlanRefused as exc:
        evidence.update_refused = str(exc)
    except UsageError as exc:
        evidence.update_error = str(exc)
    return evidence
