"""The pack refuses a policy config that switches its production rules off or down.

The policy key is client-side: whoever runs the CLI chooses ``--policy-pack-config``, and
the engine hands the pack each policy's enforcement level in ``Configure`` and then simply
skips a ``disabled`` policy. So the check cannot live in those rules: the pack inspects
``Configure`` itself and fails it, naming the policy and what is expected, when
``stop-before-production`` or ``no-production-secrets`` is not mandatory or production's
name pattern stops matching production. What the pack cannot see — a run without
``--policy-pack``, or a pack edited on the branch — only server-side enforcement covers
(Pulumi Cloud policy groups, IAM; README, "Stop before production").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

GUARDED = ("stop-before-production", "no-production-secrets")
# REMEDIATE runs a validate-only policy as mandatory (the SDK reports it so).
ENFORCING = ("mandatory", "remediate")
# Names production must keep matching under any configured productionStackPattern.
PRODUCTION_NAMES = ("production", "prod")


def weakened(levels: Mapping[str, str], configs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Why this policy config weakens a production rule; empty when it does not. Never shows a value."""
    problems = []
    for name in GUARDED:
        level = levels.get(name)
        if level is not None and level not in ENFORCING:
            problems.append(f"{name}: enforcementLevel {level} is refused, it must stay mandatory")
        pattern = (configs.get(name) or {}).get("productionStackPattern")
        if isinstance(pattern, str):
            try:
                misses = [stack for stack in PRODUCTION_NAMES if not re.search(pattern, stack)]
            except re.error:
                misses = list(PRODUCTION_NAMES)
            if misses:
                problems.append(
                    f"{name}: productionStackPattern must match {' and '.join(PRODUCTION_NAMES)}, "
                    f"it misses {', '.join(misses)}"
                )
    return problems


def refusal(problems: list[str]) -> str:
    return (
        "kitchen-kontrol policy pack: this policy config weakens the production guardrails and is refused: "
        + "; ".join(problems)
        + " (docs/policies.md, 'What the pack refuses')"
    )


def guard_configure(servicer: type) -> None:
    """Make ``servicer.Configure`` (the SDK's analyzer service) refuse a weakening config with
    INVALID_ARGUMENT before it takes effect; the CLI then stops with the message."""
    import grpc
    from google.protobuf import json_format
    from pulumi.runtime.proto import analyzer_pb2

    configure: Callable[..., Any] = servicer.Configure
    if getattr(configure, "_kitchen_kontrol_guard", False):
        return

    def guarded(self: Any, request: Any, context: Any) -> Any:
        levels, configs = {}, {}
        for name, entry in request.policyConfig.items():
            levels[name] = analyzer_pb2.EnforcementLevel.Name(entry.enforcementLevel).lower()
            configs[name] = json_format.MessageToDict(entry.properties)
        problems = weakened(levels, configs)
        if problems:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, refusal(problems))
        return configure(self, request, context)

    guarded._kitchen_kontrol_guard = True  # type: ignore[attr-defined]
    servicer.Configure = guarded
