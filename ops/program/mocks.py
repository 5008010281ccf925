"""The engine's stand-in for the offline plan: records every registration, answers invokes with
visible placeholders, and returns outputs the way a preview or an update would."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional

from pulumi.runtime import mocks, rpc

from ops.shared.cloud_answers import SecretSource, computed_outputs, invoke_result, preview_outputs, random_secret
from stacks.sdk_internals import EngineUrnMonitor, run_stack_transforms


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    protect: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Invocation:
    token: str
    result: dict[str, Any]


class PlanMocks(mocks.Mocks):
    """Outputs as the engine would return them: inputs echoed, computed values unknown in a
    preview and plausible (plainly fake) in an update."""

    def __init__(
        self,
        preview: bool,
        secret_source: SecretSource = random_secret,
        output_overrides: Optional[dict[str, dict[str, Any]]] = None,
    ):
        self.preview = preview
        self.secret_source = secret_source
        self.output_overrides = output_overrides or {}
        self.invocations: list[Invocation] = []
        self.registered = 0
        self.current = threading.local()

    def call(self, args: mocks.MockCallArgs):
        result = invoke_result(args.token)
        if result is None:
            return {}, [("token", f"the offline plan has no placeholder for invoke {args.token}")]
        self.invocations.append(Invocation(args.token, result))
        return result

    def new_resource(self, args: mocks.MockResourceArgs):
        self.current.inputs = args.inputs
        self.registered += 1
        state = dict(args.inputs)
        self.current.state = state
        if not args.custom:
            return "", state
        resource_id = "" if self.preview else f"{args.name}-id"
        if self.preview:
            state.update(preview_outputs(args.typ, args.inputs))
        else:
            computed = computed_outputs(args.typ, args.name, args.inputs, self.secret_source)
            resource_id = computed.pop("id", resource_id)
            state.update(computed)
        state.update(self.output_overrides.get(args.typ, {}))
        self.current.state = state
        return resource_id, state


class RecordingMonitor(EngineUrnMonitor):
    """MockMonitor that also keeps each registration's parent, options, inputs and outputs."""

    def __init__(self, plan_mocks: PlanMocks, on_register: Callable[[Registration], None] | None = None):
        super().__init__(plan_mocks)
        self.plan_mocks = plan_mocks
        self.on_register = on_register  # told of each registration as it happens (the policy pack's Judge)
        self.registrations: list[Registration] = []
        self.outputs_by_urn: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._thread_loops: set = set()
        self._stack_transform_tokens: list[str] = []

    def _note_thread_loop(self) -> None:
        # The SDK's mock monitor gives every worker thread an event loop and never closes it;
        # left to the garbage collector, its self-pipe may be closed first and it complains.
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:  # this thread has none to close
            return
        with self._lock:
            self._thread_loops.add(loop)

    def close_thread_loops(self) -> None:
        with self._lock:
            loops, self._thread_loops = self._thread_loops, set()
        for loop in loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()

    def Invoke(self, request):  # noqa: N802 - gRPC method name
        response = super().Invoke(request)
        self._note_thread_loop()
        return response

    def RegisterStackTransform(self, request):  # noqa: N802 - gRPC method name
        # Kept to run on every later registration, as the engine runs them (the SDK's mock never does).
        with self._lock:
            self._stack_transform_tokens.append(request.token)
        return super().RegisterStackTransform(request)

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        with self._lock:
            tokens = list(self._stack_transform_tokens)
        request = run_stack_transforms(tokens, request)
        response = super().RegisterResource(request)
        self._note_thread_loop()
        if request.type != "pulumi:pulumi:Stack":
            current = self.plan_mocks.current
            registration = Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                protect=bool(request.protect),
                inputs=getattr(current, "inputs", {}),
                outputs=dict(getattr(current, "state", {})),
            )
            with self._lock:
                self.registrations.append(registration)
            if self.on_register is not None:
                self.on_register(registration)
        return response

    def RegisterResourceOutputs(self, request):  # noqa: N802 - gRPC method name
        outputs = rpc.deserialize_properties(request.outputs, keep_unknowns=True)
        with self._lock:
            self.outputs_by_urn[request.urn] = outputs
        return super().RegisterResourceOutputs(request)
