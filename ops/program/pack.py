"""The offline plan's bridge to the policy pack: start it for a stack, send it every recorded
registration the way the engine does, and read back its verdicts and rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ops.analyzer.client import AnalyzerError, PolicyAnalyzer
from ops.analyzer.config import PolicyConfigError, production_fingerprints
from ops.analyzer.wire import Diagnostic, ProviderRecord, ResourceRecord
from ops.program.result import PlanResult
from ops.shared.errors import Failure, UsageError
from ops.shared.project import ROOT, StackConfig

# The pack's one note per rule a preview could not finish (policies/rules/checked_during_update.py):
# "RULE: N resource(s) … values known only during the update; the update checks them and fails closed".
NOTES_POLICY = "checked-during-update"
_NOTE = re.compile(r"^(?P<rule>[a-z0-9-]+): (?P<count>\d+) resources? ha(?:s|ve) values known only during the update")


def deferred_note(policy: str, message: str) -> tuple[str, int] | None:
    """(rule, resources) of the pack's note that a rule was deferred to the update; None for any other verdict."""
    found = _NOTE.match(message.partition("\n")[2]) if policy == NOTES_POLICY else None
    return (found["rule"], int(found["count"])) if found else None


def rule_of(policy: str, message: str) -> str:
    """The rule a verdict belongs to: a deferral note's belongs to the rule it names."""
    note = deferred_note(policy, message)
    return note[0] if note else policy


# Packages whose resources have no provider inputs to judge: components and dynamic resources.
_NO_PROVIDER = ("pulumi", "kitchen-kontrol", "pulumi-python")


def default_policy_config(stack: str, root: Path = ROOT) -> Path:
    path = root / "policies" / f"config.{stack}.json"
    if not path.is_file():
        raise UsageError(f"no policy config {path.relative_to(root)} for stack {stack!r}; pass --policy-config FILE")
    return path


def start_pack(config: StackConfig, preview: bool, root: Path, policies: Path | bool) -> PolicyAnalyzer:
    """The pack for this stack, started (it does not wait for the pack to serve)."""
    source = default_policy_config(config.stack, root) if policies is True else policies
    try:
        return PolicyAnalyzer(
            project=config.project,
            stack=config.stack,
            dry_run=preview,
            policy_config=source,
            program_config=config.config,
            config_secret_keys=config.secret_keys,
        ).start()
    except PolicyConfigError as exc:
        raise UsageError(str(exc)) from None
    except AnalyzerError as exc:
        raise Failure(f"policy pack: {exc}") from None


def judge(pack: PolicyAnalyzer, result: PlanResult, config: StackConfig) -> list[Diagnostic]:
    """Every resource through Analyze (inputs, the engine's order: the stack first), then AnalyzeStack."""
    stack_urn = result.stack_urn

    providers: dict[str, ProviderRecord] = {}

    def provider_for(type_: str) -> ProviderRecord | None:
        package = type_.split(":", 1)[0]
        if package in _NO_PROVIDER:
            return None
        if package not in providers:
            prefix = f"{package}:"
            inputs = {k[len(prefix) :]: v for k, v in config.config.items() if k.startswith(prefix)}
            providers[package] = ProviderRecord(
                urn=f"{stack_urn.split('::pulumi:pulumi:Stack')[0]}::pulumi:providers:{package}::default",
                type=f"pulumi:providers:{package}",
                name="default",
                inputs=inputs,
            )
        return providers[package]

    records = [ResourceRecord(urn=stack_urn, type="pulumi:pulumi:Stack", name=f"{config.project}-{config.stack}")]
    records += [
        ResourceRecord(
            urn=r.urn,
            type=r.type,
            name=r.name,
            inputs=r.inputs,
            outputs=r.outputs,
            parent=r.parent or stack_urn,
            provider=provider_for(r.type) if r.custom else None,
        )
        # Registration order varies run to run; a stack rule reports the first resource it meets.
        for r in sorted(result.resources, key=lambda r: r.urn)
    ]
    try:
        diagnostics = [d for per_resource in pack.analyze_many(records) for d in per_resource]
        return diagnostics + pack.analyze_stack(records)
    except PolicyConfigError as exc:
        raise UsageError(str(exc)) from None
    except AnalyzerError as exc:  # already capped and redacted by the analyzer
        raise Failure(f"policy pack: {exc}") from None


def rules(pack: PolicyAnalyzer) -> tuple[str, list[dict[str, Any]]]:
    """The pack's name and every rule with the level the policy config gives it (not the declared one); not
    the pack's note of deferred checks, whose notes count as the deferrals of the rules they name."""
    info = pack.info()
    configured = pack.policy_config
    listed = [
        {
            "name": p.name,
            "kind": p.kind,
            "enforcementLevel": configured.get(p.name, {}).get("enforcementLevel", p.enforcement_level),
            "severity": p.severity,
            "description": p.description,
        }
        for p in info.policies
        if p.name != NOTES_POLICY
    ]
    return f"{info.name}@v{info.version}", listed


def fingerprints(pack: PolicyAnalyzer) -> frozenset[str]:
    """The production-secret fingerprints of the config the pack runs with (defaults and file merged)."""
    return production_fingerprints(pack.policy_config)
