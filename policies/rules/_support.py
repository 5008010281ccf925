"""Shared machinery for the rules: contexts, findings, and the rule objects that make policies.

Rule logic lives in pure ``check`` functions that take a plain context and return
findings, so tests can call them with plain dicts (cdk-nag style).  The rule objects here
turn a rule into a ``pulumi_policy`` object and own the cross-cutting decisions:

* which resources a resource rule looks at: its ``resource_types``/``packages``, applied by
  the rule object (``ResourceRule.evaluate`` and the policy alike), never by a ``check``;
* unknown values: during an update every unknown a rule looks at is a violation (fail
  closed); during a preview the resources are recorded (``_preview_notes``) and
  ``checked-during-update`` notes them once per rule when the stack is analyzed, instead of
  the SDK's advisory "can't run policy ... during preview" on every resource;
* secrets: rules never put a property value into a message, and an unexpected exception
  is reported by type only, because its text could carry a (plaintext) secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.runtime
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from ._config import check_schema, config_problems, root_schema, schema_json
from ._preview_notes import PREVIEW_UNKNOWNS
from ._props import UnknownPropError
from ._stack_config import stack_config
from ._types import STACK, package

DEFAULT_PRODUCTION_STACK_PATTERN = r"^(prod|production)([-_].*)?$"
PRODUCTION_STACK_PATTERN_SCHEMA = {
    "type": "string",
    "default": DEFAULT_PRODUCTION_STACK_PATTERN,
    "description": "Regular expression matching the names of production stacks.",
}


def is_production_stack(ctx: ResourceContext) -> bool:
    """Whether the stack being checked is a production one, by the rule's ``productionStackPattern``."""
    pattern = ctx.config.get("productionStackPattern", DEFAULT_PRODUCTION_STACK_PATTERN)
    return re.search(pattern, ctx.stack) is not None


# ---------------------------------------------------------------------------------------
# Findings and contexts


@dataclass(frozen=True)
class Finding:
    """A violation message, or (``unknown=True``) a prop path the rule could not check."""

    message: str = ""
    urn: str | None = None
    unknown_path: str | None = None

    @property
    def unknown(self) -> bool:
        return self.unknown_path is not None


def violation(message: str, urn: str | None = None) -> Finding:
    return Finding(message=message, urn=urn)


def unknown(path: str, label: str = "", urn: str | None = None) -> Finding:
    return Finding(message=label, urn=urn, unknown_path=path)


class _Named:
    resource_type: str
    name: str

    @property
    def label(self) -> str:
        """How messages name the resource: its type and name, never a value."""
        return f'{self.resource_type} "{self.name}"'


@dataclass(frozen=True)
class ResourceContext(_Named):
    """What a resource rule sees: type, name, inputs, provider inputs, stack facts, config."""

    resource_type: str
    name: str
    props: Mapping[str, Any]
    urn: str = ""
    provider_type: str | None = None
    provider_name: str | None = None
    provider_props: Mapping[str, Any] | None = None
    stack: str = "staging"
    dry_run: bool = False
    config: Mapping[str, Any] = field(default_factory=dict)
    # The stack's own config (``project:key`` -> text), as ConfigureStack handed it over (_stack_config).
    stack_config: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StackResource(_Named):
    resource_type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    parent_urn: str | None = None


@dataclass(frozen=True)
class StackContext:
    resources: Sequence[StackResource]
    stack: str = "staging"
    dry_run: bool = False
    config: Mapping[str, Any] = field(default_factory=dict)

    def of_type(self, *resource_types: str) -> Iterator[StackResource]:
        return (r for r in self.resources if r.resource_type in resource_types)


@dataclass(frozen=True)
class Verdict:
    violations: list[Finding]
    unknowns: list[Finding]


def _runtime_stack() -> tuple[str, bool]:
    # Read per call: the SDK configures stack and dry-run from the environment on every RPC.
    return pulumi.get_stack(), pulumi.runtime.is_dry_run()


# ---------------------------------------------------------------------------------------
# Rules


def _emit(report: Callable[..., None], message: str, urn: str | None) -> None:
    # Resource policies ignore the urn argument; stack policies use it to point at a resource.
    if urn:
        report(message, urn)
    else:
        report(message)


@dataclass(frozen=True)
class _Rule:
    name: str
    description: str
    severity: Severity | None
    remediation: str
    check: Callable[[Any], Iterable[Finding]]
    config_schema: Mapping[str, Mapping[str, Any]] | None = None
    enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY

    def __post_init__(self) -> None:
        # A rule author's mistake, caught when the pack loads: every property is typed and
        # every object refuses unknown properties, so no typo in a config goes unnoticed.
        check_schema(root_schema(self.config_schema or {}), f"rule {self.name}: config schema")
        object.__setattr__(self, "_schema_text", schema_json(self.config_schema or {}))

    def config_problems(self, config: Mapping[str, Any] | None) -> tuple[str, ...]:
        """What is wrong with this rule's policy config; empty when it matches the schema."""
        return config_problems(self._schema_text, config or {})

    def _config_violation(self, problems: Sequence[str]) -> str:
        return (
            f"policy config of '{self.name}' does not match its schema, so the rule cannot run and "
            f"fails closed: {'; '.join(problems)}"
        )

    def evaluate(self, ctx: Any) -> Verdict:
        """Run the pure check; an ``UnknownPropError`` escaping it becomes an unknown finding."""
        found: list[Finding] = []
        try:
            for finding in self.check(ctx):
                found.append(finding)
        except UnknownPropError as exc:
            found.append(unknown(exc.path))
        except UnknownValueError as exc:  # an unguarded read through the SDK proxy
            found.append(unknown(".".join(exc.props)))
        unique = list(dict.fromkeys(found))  # two checks may hit the same path
        return Verdict(
            violations=[f for f in unique if not f.unknown],
            unknowns=list({(f.unknown_path, f.urn): f for f in unique if f.unknown}.values()),
        )

    def _policy_fields(self) -> dict[str, Any]:
        """What the SDK's resource and stack policies both take, apart from ``validate``."""
        schema = None
        if self.config_schema:
            schema = PolicyConfigSchema(properties={k: dict(v) for k, v in self.config_schema.items()})
        return {
            "name": self.name,
            "description": self.description,
            "enforcement_level": self.enforcement_level,
            "config_schema": schema,
            "severity": self.severity,
            "remediation_steps": self.remediation,
        }

    def _report(self, ctx: Any, report: Callable[..., None], label: str) -> None:
        try:
            verdict = self.evaluate(ctx)
        except Exception as exc:  # noqa: BLE001 - the text may hold a secret; report the type only
            report(
                f"{label}: rule '{self.name}' failed with {type(exc).__name__}; failing closed "
                "(error text withheld because it may contain property values)"
            )
            return
        for finding in verdict.violations:
            _emit(report, finding.message, finding.urn)
        if not verdict.unknowns:
            return
        if ctx.dry_run:
            # Noted once per rule when the stack is analyzed (checked-during-update), not per resource.
            own = getattr(ctx, "urn", "") or label
            PREVIEW_UNKNOWNS.record(self.name, {f.urn or own for f in verdict.unknowns})
            return
        for finding in verdict.unknowns:
            where = finding.message or label
            message = (
                f"{where}: {finding.unknown_path} is unknown during the update, so it cannot be checked; failing closed"
            )
            _emit(report, message, finding.urn)


@dataclass(frozen=True)
class ResourceRule(_Rule):
    """A rule run on the inputs of each resource of its types (Analyze).

    ``resource_types`` (exact tokens) and ``packages`` (every type of a provider package) bind
    it; with neither it sees every resource, components and the Stack included.
    """

    resource_types: frozenset[str] = frozenset()
    packages: frozenset[str] = frozenset()

    def applies_to(self, resource_type: str) -> bool:
        if not self.resource_types and not self.packages:
            return True
        return resource_type in self.resource_types or package(resource_type) in self.packages

    def evaluate(self, ctx: Any) -> Verdict:
        if not self.applies_to(ctx.resource_type):
            return Verdict(violations=[], unknowns=[])
        return super().evaluate(ctx)

    def policy(self) -> ResourceValidationPolicy:
        def validate(args: Any, report_violation: Callable[..., None]) -> None:
            # Analyze runs every policy on every resource: other types return before a context is built.
            applies = self.applies_to(args.resource_type)
            problems = self.config_problems(args.get_config())
            if problems:
                # On the Stack resource (the first registration of every run) and on each
                # resource the rule would have checked.
                if applies or args.resource_type == STACK:
                    report_violation(self._config_violation(problems))
                return
            if not applies:
                return
            stack, dry_run = _runtime_stack()
            provider = getattr(args, "provider", None)
            ctx = ResourceContext(
                resource_type=args.resource_type,
                name=args.name,
                urn=args.urn,
                props=args.props,
                provider_type=getattr(provider, "resource_type", None),
                provider_name=getattr(provider, "name", None),
                provider_props=getattr(provider, "props", None),
                stack=stack,
                dry_run=dry_run,
                config=args.get_config() or {},
                stack_config=stack_config(),
            )
            self._report(ctx, report_violation, ctx.label)

        return ResourceValidationPolicy(validate=validate, **self._policy_fields())


@dataclass(frozen=True)
class StackRule(_Rule):
    """A rule run once on the final state of every resource (AnalyzeStack)."""

    def policy(self) -> StackValidationPolicy:
        def validate(args: Any, report_violation: Callable[..., None]) -> None:
            problems = self.config_problems(args.get_config())
            if problems:
                report_violation(self._config_violation(problems))
                return
            stack, dry_run = _runtime_stack()
            resources = [
                StackResource(
                    resource_type=r.resource_type,
                    name=r.name,
                    urn=r.urn,
                    props=r.props,
                    parent_urn=r.parent.urn if r.parent is not None else None,
                )
                for r in args.resources
            ]
            ctx = StackContext(resources, stack=stack, dry_run=dry_run, config=args.get_config() or {})
            self._report(ctx, report_violation, f'stack "{stack}"')

        return StackValidationPolicy(validate=validate, **self._policy_fields())
