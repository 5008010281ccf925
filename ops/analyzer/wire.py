"""The Analyzer protocol's data: the records sent to the pack, the verdicts and pack facts it answers
with, and their encoding as the engine sends them (unknowns, secrets, numbers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime.proto import analyzer_pb2

# The engine's encodings (pulumi.runtime.rpc.UNKNOWN, _special_sig_key, _special_secret_sig), written out
# because the SDK keeps the signatures private; tests pin them to the SDK's.
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"  # noqa: S105 - protocol signature, not a secret
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - protocol signature, not a secret


@dataclass(frozen=True)
class ProviderRecord:
    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceRecord:
    """One registration as the mock monitor recorded it.

    ``inputs`` go to Analyze, ``outputs`` (the final state; defaults to the inputs) to
    AnalyzeStack.  Values may hold ``pulumi.output.Unknown`` and secret-wrapped dicts.
    """

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] | None = None
    parent: str | None = None
    provider: ProviderRecord | None = None
    dependencies: Sequence[str] = ()


@dataclass(frozen=True)
class Diagnostic:
    policy_name: str
    pack_name: str
    enforcement_level: str  # "advisory" | "mandatory" | "remediate" | "disabled"
    urn: str
    message: str
    severity: str = ""  # "low" | "medium" | "high" | "critical" | "" (unspecified)


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement_level: str
    severity: str
    kind: str  # "resource" | "stack"
    remediation: str


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str
    policies: tuple[PolicyInfo, ...]


def encode_value(value: Any) -> Any:
    """Mock-monitor value -> engine wire form (before it becomes a protobuf Struct).

    ``pulumi.output.Unknown`` becomes the unknown sentinel, secret-wrapped dicts keep the
    secret signature (the pack unwraps them), ``__``-prefixed internal keys and None
    values are dropped, numbers become floats.
    """
    if isinstance(value, Unknown):
        return UNKNOWN_SENTINEL
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Mapping):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG:
            return {SECRET_SIG_KEY: SECRET_SIG, "value": encode_value(value.get("value"))}
        return {str(k): encode_value(v) for k, v in value.items() if not str(k).startswith("__") and v is not None}
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    # Never include the value itself: it may be a secret.
    raise TypeError(f"cannot send a {type(value).__name__} to the policy pack")


def struct(props: Mapping[str, Any]) -> Any:
    message = struct_pb2.Struct()
    message.update(encode_value(dict(props)))
    return message


def analyze_request(resource: ResourceRecord) -> Any:
    request = analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        properties=struct(resource.inputs),
        urn=resource.urn,
        name=resource.name,
        options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent or ""),
    )
    if resource.provider is not None:
        request.provider.CopyFrom(_provider(resource.provider))
    return request


def resource_diagnostics(response: Any, resource: ResourceRecord) -> list[Diagnostic]:
    # The SDK leaves urn empty on resource diagnostics; the engine attaches them to the resource.
    return [diagnostic(d, d.urn or resource.urn) for d in response.diagnostics]


def analyze_stack_request(resources: Sequence[ResourceRecord]) -> Any:
    """The final state of every resource (outputs, or inputs where none were recorded)."""
    request = analyzer_pb2.AnalyzeStackRequest()
    for r in resources:
        entry = request.resources.add(
            type=r.type,
            properties=struct(r.outputs if r.outputs is not None else r.inputs),
            urn=r.urn,
            name=r.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=r.parent or ""),
            parent=r.parent or "",
            dependencies=list(r.dependencies),
        )
        if r.provider is not None:
            entry.provider.CopyFrom(_provider(r.provider))
    return request


def _provider(provider: ProviderRecord) -> Any:
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type, properties=struct(provider.inputs), urn=provider.urn, name=provider.name
    )


def _severity(value: int) -> str:
    name = analyzer_pb2.PolicySeverity.Name(value)
    return "" if name.endswith("UNSPECIFIED") else name.removeprefix("POLICY_SEVERITY_").lower()


def diagnostic(d: Any, urn: str) -> Diagnostic:
    return Diagnostic(
        policy_name=d.policyName,
        pack_name=d.policyPackName,
        enforcement_level=analyzer_pb2.EnforcementLevel.Name(d.enforcementLevel).lower(),
        urn=urn,
        message=d.message,
        severity=_severity(d.severity),
    )


def pack_info(info: Any) -> PackInfo:
    """GetAnalyzerInfo's answer as plain data."""
    kinds = {analyzer_pb2.POLICY_TYPE_RESOURCE: "resource", analyzer_pb2.POLICY_TYPE_STACK: "stack"}
    return PackInfo(
        name=info.name,
        version=info.version,
        policies=tuple(
            PolicyInfo(
                name=p.name,
                description=p.description,
                enforcement_level=analyzer_pb2.EnforcementLevel.Name(p.enforcementLevel).lower(),
                severity=_severity(p.severity),
                kind=kinds.get(p.policy_type, ""),
                remediation=p.remediation_steps,
            )
            for p in info.policies
        ),
    )
