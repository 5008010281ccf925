"""The engine's stand-in for the offline plan: records every registration, answers invokes with
visible placeholders, and returns outputs the way a preview or an update would."""

from __future__ import annotations

import hashlib
import secrets
import string
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from pulumi.runtime import mocks, rpc

# Invoke answers cannot be real offline; every value says so.
PLACEHOLDER_INVOKES: dict[str, dict[str, Any]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": {
        "id": "placeholder-region",
        "names": ["placeholder-az-a", "placeholder-az-b"],
        "zoneIds": ["placeholder-az-id-a", "placeholder-az-id-b"],
    },
    "aws:ec2/getSubnets:getSubnets": {"id": "placeholder", "ids": ["subnet-placeholder-a", "subnet-placeholder-b"]},
    "render:owners:listOwners": {
        "items": [
            {"cursor": "placeholder", "owner": {"id": "tea-placeholder0000", "name": "placeholder", "type": "team"}}
        ]
    },
}


def random_secret(length: int, specials: str) -> str:
    alphabet = string.ascii_letters + string.digits + specials
    return "".join(secrets.choice(alphabet) for _ in range(length))


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
        secret_source: Callable[[int, str], str] = random_secret,
        output_overrides: Optional[dict[str, dict[str, Any]]] = None,
    ):
        self.preview = preview
        self.secret_source = secret_source
        self.output_overrides = output_overrides or {}
        self.invocations: list[Invocation] = []
        self.registered = 0
        self.current = threading.local()

    def call(self, args: mocks.MockCallArgs):
        result = PLACEHOLDER_INVOKES.get(args.token)
        if result is None:
            return {}, [("token", f"the offline plan has no placeholder for invoke {args.token}")]
        self.invocations.append(Invocation(args.token, result))
        return result

    def new_resource(self, args: mocks.MockResourceArgs):
        self.current.inputs = args.inputs
        self.registered += 1
        state = dict(args.inputs)
        if not args.custom:
            return "", state
        resource_id = "" if self.preview else f"{args.name}-id"
        if not self.preview:
            computed = self._computed(args, resource_id)
            resource_id = computed.pop("id", resource_id)
            state.update(computed)
        state.update(self.output_overrides.get(args.typ, {}))
        return resource_id, state

    def _computed(self, args: mocks.MockResourceArgs, resource_id: str) -> dict[str, Any]:
        inputs = args.inputs
        if args.typ == "random:index/randomPassword:RandomPassword":
            specials = inputs.get("overrideSpecial", "") if inputs.get("special", True) else ""
            return {"result": self.secret_source(int(inputs.get("length", 16)), specials)}
        if args.typ == "aws:rds/instance:Instance":
            address = f"{inputs.get('identifier', args.name)}.placeholder.rds.amazonaws.com"
            return {
                "address": address,
                "port": 5432,
                "endpoint": f"{address}:5432",
                "arn": f"arn:aws:rds:placeholder:000000000000:db:{inputs.get('identifier', args.name)}",
            }
        if args.typ == "render:services:WebService":
            return {
                "id": "srv-placeholder",
                "dashboardUrl": "https://dashboard.render.com/web/srv-placeholder",
                "serviceDetails": {
                    **inputs.get("serviceDetails", {}),
                    "url": f"https://{inputs.get('name', args.name)}.onrender.com",
                },
            }
        if args.typ == "render:services:EnvVar":
            return {"key": inputs.get("envVarKey")}
        if args.typ.startswith("pulumi-python:dynamic/uptimerobot:"):
            # The dynamic provider's create: a numeric id (from the name, so runs agree), and for
            # a monitor its dashboard link.
            monitor_id = str(800000000 + int(hashlib.sha256(args.name.encode()).hexdigest()[:6], 16))
            outputs: dict[str, Any] = {"id": monitor_id, "status": "NOT_CHECKED"}
            if args.typ.endswith(":Monitor"):
                outputs["dashboard_url"] = f"https://dashboard.uptimerobot.com/monitors/{monitor_id}"
            return outputs
        if args.typ.startswith("aws:"):
            # The provider auto-names what the program leaves unnamed (name + random suffix).
            return {
                "arn": f"arn:aws:placeholder:placeholder:000000000000:{args.name}",
                "name": inputs.get("name", f"{args.name}-0000000"),
            }
        return {}


class RecordingMonitor(mocks.MockMonitor):
    """MockMonitor that also keeps each registration's parent, options, inputs and outputs."""

    def __init__(self, plan_mocks: PlanMocks):
        super().__init__(plan_mocks)
        self.registrations: list[Registration] = []
        self.outputs_by_urn: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._thread_loops: set = set()

    def _note_thread_loop(self) -> None:
        # The SDK's mock monitor gives every worker thread an event loop and never closes it;
        # left to the garbage collector, its self-pipe may be closed first and it complains.
        from pulumi.runtime.sync_await import _ensure_event_loop

        with self._lock:
            self._thread_loops.add(_ensure_event_loop())

    def close_thread_loops(self) -> None:
        with self._lock:
            loops, self._thread_loops = self._thread_loops, set()
        for loop in loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN: the parent's whole type chain, `$`-joined, without the root Stack's type.

        The SDK's mock keeps only the parent's own type and keeps the Stack's, so its URNs
        match no real deployment."""
        if parent:
            parent_chain = parent.split("::")[2]
            if parent_chain != "pulumi:pulumi:Stack":
                type_ = f"{parent_chain}${type_}"
        return super().make_urn("", type_, name)

    def Invoke(self, request):  # noqa: N802 - gRPC method name
        response = super().Invoke(request)
        self._note_thread_loop()
        return response

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        self._note_thread_loop()
        if request.type != "pulumi:pulumi:Stack":
            inputs = getattr(self.mocks.current, "inputs", {})
            urn = response.urn
            state = self.resources[urn].state if urn in self.resources else {}
            registration = Registration(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                protect=bool(request.protect),
                inputs=inputs,
                outputs=dict(state),
            )
            with self._lock:
                self.registrations.append(registration)
        return response

    def RegisterResourceOutputs(self, request):  # noqa: N802 - gRPC method name
        outputs = rpc.deserialize_properties(request.outputs, keep_unknowns=True)
        with self._lock:
            self.outputs_by_urn[request.urn] = outputs
        return super().RegisterResourceOutputs(request)
