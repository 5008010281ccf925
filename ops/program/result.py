"""What a plan run gives: its result, or the program's refusal. Apart from the runner so that the pack,
which judges a result, and the runner, which starts the pack, do not import each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class PlanRefused(Exception):
    """The program refused the stack (stop before production, unreachable database): exit 1."""


@dataclass
class PlanResult:
    stack: str
    stack_urn: str
    preview: bool
    resources: list  # ops.program.mocks.Registration, in registration order
    outputs: dict[str, Any]
    invocations: list
    warnings: list[str]
    diagnostics: list = field(default_factory=list)  # ops.analyzer.wire.Diagnostic
    policies_ran: bool = False
    redact: frozenset[str] = frozenset()  # production-secret fingerprints from the policy config
    policy_pack: str | None = None  # "name@version"
    policy_rules: list[dict[str, Any]] = field(default_factory=list)  # every rule, its effective level
    aws_region: str | None = None

    @property
    def mandatory_policies(self) -> list[str]:
        return sorted({d.policy_name for d in self.diagnostics if d.enforcement_level == "mandatory"})
