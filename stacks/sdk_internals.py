"""The Pulumi SDK's non-public surface this project relies on, in one place: each use has no public way.

Checked against pulumi==3.272.0 (requirements.txt); re-check every one when the SDK is bumped. It lives in
`stacks/` because the program needs one of them, and `ops/` may import `stacks/` but not the reverse.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime.mocks import MockMonitor


def engine_config() -> dict[str, Any]:
    """Every config value the program was handed, to refuse unknown keys: `pulumi.Config` reads one key at a
    time and cannot list them. The language host, like `set_all_config`, keeps them in the runtime's
    `CONFIG` context variable; `PULUMI_CONFIG` carries them as well."""
    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


class EngineUrnMonitor(MockMonitor):
    """The SDK's mock monitor with the engine's URNs, through its `make_urn` hook."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The parent's whole type chain, `$`-joined, without the root Stack's type.

        The SDK's mock keeps only the parent's own type and keeps the Stack's, so its URNs
        match no real deployment."""
        if parent:
            parent_chain = parent.split("::")[2]
            if parent_chain != "pulumi:pulumi:Stack":
                type_ = f"{parent_chain}${type_}"
        return super().make_urn("", type_, name)


def register_stack_outputs() -> None:
    """Register what the program exported as the root stack's outputs.

    `pulumi.runtime.set_mocks` creates the root stack and registers its (still empty) outputs before the
    program runs; the engine's entry point (`run_in_stack`) would register them once the program ended."""
    stack = pulumi.runtime.get_root_resource()
    stack.register_outputs(stack.outputs)


# The options a stack transform sees and may change, as the engine hands them over and reads them back
# (RegisterResourceRequest field, TransformResourceOptions field).
_TRANSFORMED_OPTIONS = (
    ("protect", "protect"),
    ("retainOnDelete", "retain_on_delete"),
    ("ignoreChanges", "ignore_changes"),
    ("replaceOnChanges", "replace_on_changes"),
    ("additionalSecretOutputs", "additional_secret_outputs"),
)


def run_stack_transforms(tokens: list[str], request: Any) -> Any:
    """`request` (a RegisterResourceRequest) after the program's stack transforms, run as the engine runs them.

    The engine sends each transform registered with `RegisterStackTransform` a TransformRequest and takes the
    properties and options it answers; the SDK's mock monitor records the transforms and never runs them, so
    the offline plan would show another resource than the engine creates (production: `protect` on every
    resource, stacks/protection.py). The transform's own callback (the SDK's `_CallbackServicer`, the one the
    engine calls) does the work; the answer's properties and options replace the request's."""
    from pulumi.runtime._callbacks import _CallbackServicer
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

    if not tokens or request.type == "pulumi:pulumi:Stack":
        return request
    callbacks = {token: cb for servicer in _CallbackServicer._servicers for token, cb in servicer._callbacks.items()}
    _ensure_event_loop()
    request = resource_pb2.RegisterResourceRequest.FromString(request.SerializeToString())
    for token in tokens:
        options = resource_pb2.TransformResourceOptions()
        for ours, theirs in _TRANSFORMED_OPTIONS:
            value = getattr(request, ours)
            if ours in ("protect", "retainOnDelete"):
                if request.HasField(ours):
                    setattr(options, theirs, value)
            else:
                getattr(options, theirs).extend(value)
        if request.deleteBeforeReplaceDefined:
            options.delete_before_replace = request.deleteBeforeReplace
        transform = resource_pb2.TransformRequest(
            type=request.type,
            name=request.name,
            custom=request.custom,
            parent=request.parent,
            properties=request.object,
            options=options,
        )
        answer = _sync_await(callbacks[token](transform.SerializeToString()))
        request.object.CopyFrom(answer.properties)
        if answer.HasField("options"):
            for ours, theirs in _TRANSFORMED_OPTIONS:
                value = getattr(answer.options, theirs)
                if ours in ("protect", "retainOnDelete"):
                    if answer.options.HasField(theirs):
                        setattr(request, ours, value)
                else:
                    del getattr(request, ours)[:]
                    getattr(request, ours).extend(value)
            if answer.options.HasField("delete_before_replace"):
                request.deleteBeforeReplaceDefined = True
                request.deleteBeforeReplace = answer.options.delete_before_replace
    return request
