"""Stand-in resource providers for the rehearsal, one per package (aws, random, render, sentry).

They are served from the rehearsal's own process (`attach_ports`, started once and kept for the process's life),
and every CLI the rehearsal runs attaches to them through `PULUMI_DEBUG_PROVIDERS`, the engine's own way to use a
provider that is already running: the engine loads a command's providers one after the other, so starting a Python
process per provider per command put four interpreter starts on the critical path of every command. The engine
tells an attached provider its address (`Attach`); one server serves every engine the process runs, each on its
own connection. A stand-in speaks the provider gRPC protocol the engine speaks to every provider, keeps no state of
its own (the engine keeps it), and answers with the same placeholder recipes as the offline plan
(`ops.shared.cloud_answers`). A change to a create-only property (`replacements.CREATE_ONLY`) is a replacement,
any other change an in-place update. It calls no cloud, and says so once per command on the engine's log.

`python -m ops.rehearsal.standin PACKAGE [ENGINE_ADDRESS]` serves one on its own and prints its port (to attach a
CLI to by hand); it runs only with KK_STANDIN_PROVIDERS=1, as inside `ops rehearse` and `ops engine`.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
from concurrent import futures
from importlib import metadata
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, plugin_pb2, provider_pb2, provider_pb2_grpc

from ops.analyzer.wire import SECRET_SIG_KEY, UNKNOWN_SENTINEL, encode_value
from ops.rehearsal.replacements import create_only
from ops.shared.cloud_answers import computed_outputs, input_problems, invoke_result, preview_outputs

# Set by the rehearsal (ops.rehearsal.engine) in the environment of the CLI it runs.
ENABLE_VARIABLE = "KK_STANDIN_PROVIDERS"
# The SDK packages whose plugins these stand in for; their versions are the ones the program pins.
PACKAGES = {"aws": "pulumi_aws", "random": "pulumi_random", "render": "pulumi_render", "sentry": "pulumiverse_sentry"}


def to_python(message: struct_pb2.Struct) -> dict[str, Any]:
    # Secret and unknown markers survive as-is, so secretness passes through untouched.
    return json_format.MessageToDict(message)


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(value)
    return result


def _resource_type(urn: str) -> str:
    # urn:pulumi:STACK::PROJECT::[parentType$]type::name
    return urn.split("::")[2].split("$")[-1]


def _resource_name(urn: str) -> str:
    return urn.split("::", 3)[3]


class StandInProvider(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self, package: str, engine_address: str | None = None):
        self.package = package
        self.version = metadata.version(PACKAGES[package])
        self.engine_address = engine_address  # served on its own: the one engine that started it
        self.announced = False
        self._attached: dict[str, str] = {}  # attached: the engine on each connection (its gRPC peer), until announced
        self._lock = threading.Lock()

    # -- plugin and provider configuration -------------------------------------------------------
    def GetPluginInfo(self, request, context):  # noqa: N802 - gRPC method name
        return plugin_pb2.PluginInfo(version=self.version)

    def GetSchema(self, request, context):  # noqa: N802
        return provider_pb2.GetSchemaResponse(schema=json.dumps({"name": self.package, "version": self.version}))

    def CheckConfig(self, request, context):  # noqa: N802
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request, context):  # noqa: N802
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Handshake(self, request, context):  # noqa: N802
        """Not offered, as before they were served from this process: the engine then takes what the stand-in accepts
        from Configure. Said as UNIMPLEMENTED without raising, so gRPC logs no error for it."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details("Handshake is not implemented: the protocol is negotiated by Configure")
        return provider_pb2.ProviderHandshakeResponse()

    def Attach(self, request, context):  # noqa: N802
        """An engine attached to the running stand-in (PULUMI_DEBUG_PROVIDERS) and says where it listens."""
        with self._lock:
            self._attached[context.peer()] = request.address
        return empty_pb2.Empty()

    def Configure(self, request, context):  # noqa: N802
        self._announce(context.peer() if context is not None else None)
        return provider_pb2.ConfigureResponse(acceptSecrets=True, supportsPreview=True, acceptResources=True)

    def Cancel(self, request, context):  # noqa: N802
        return empty_pb2.Empty()

    def _announce(self, peer: str | None) -> None:
        """Once per engine: the one on this connection if it attached, else the one that started this process."""
        with self._lock:
            address = self._attached.pop(peer, None) if peer is not None else None
            if address is None and not self.announced:
                address, self.announced = self.engine_address, True
        if not address:
            return
        message = f"stand-in provider for {self.package} {self.version}: no cloud is called; values are placeholders"
        with grpc.insecure_channel(address) as channel:
            engine_pb2_grpc.EngineStub(channel).Log(
                engine_pb2.LogRequest(severity=engine_pb2.INFO, message=message, ephemeral=False)
            )

    # -- resources ---------------------------------------------------------------------------------
    def Check(self, request, context):  # noqa: N802
        problems = input_problems(_resource_type(request.urn), _plain(to_python(request.news)))
        failures = [provider_pb2.CheckFailure(property=key, reason=why) for key, why in problems]
        return provider_pb2.CheckResponse(inputs=request.news, failures=failures)

    def Diff(self, request, context):  # noqa: N802
        olds = to_python(request.old_inputs) if request.HasField("old_inputs") else to_python(request.olds)
        news = to_python(request.news)
        ignored = set(request.ignoreChanges)
        changed = sorted(
            key for key in set(olds) | set(news) if key not in ignored and (olds.get(key) != news.get(key))
        )
        if not changed:
            return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)
        fixed = create_only(_resource_type(request.urn))
        replaces = [key for key in changed if key in fixed]
        detailed = {}
        for key in changed:
            if key not in olds:
                kind = provider_pb2.PropertyDiff.ADD_REPLACE if key in fixed else provider_pb2.PropertyDiff.ADD
            elif key not in news:
                kind = provider_pb2.PropertyDiff.DELETE_REPLACE if key in fixed else provider_pb2.PropertyDiff.DELETE
            else:
                kind = provider_pb2.PropertyDiff.UPDATE_REPLACE if key in fixed else provider_pb2.PropertyDiff.UPDATE
            detailed[key] = provider_pb2.PropertyDiff(kind=kind, inputDiff=True)
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME,
            diffs=changed,
            replaces=replaces,
            detailedDiff=detailed,
            hasDetailedDiff=True,
        )

    def Create(self, request, context):  # noqa: N802
        inputs = to_python(request.properties)
        name = _resource_name(request.urn)
        if request.preview:
            # Computed values are unknown until the apply: the SDK reads missing ones as unknown, and those
            # the program reads are sent as the engine's unknown.
            unknowns = encode_value(preview_outputs(_resource_type(request.urn), inputs))
            return provider_pb2.CreateResponse(id="", properties=to_struct({**inputs, **unknowns}))
        computed = computed_outputs(_resource_type(request.urn), name, _plain(inputs))
        resource_id = str(computed.pop("id", f"{name}-id"))
        return provider_pb2.CreateResponse(id=resource_id, properties=to_struct({**inputs, **computed}))

    def Update(self, request, context):  # noqa: N802
        # Computed values keep what the create returned; inputs take the new values.
        return provider_pb2.UpdateResponse(properties=to_struct({**to_python(request.olds), **to_python(request.news)}))

    def Read(self, request, context):  # noqa: N802
        # No drift: the stand-in cloud holds exactly what the engine last wrote.
        return provider_pb2.ReadResponse(id=request.id, properties=request.properties, inputs=request.inputs)

    def Delete(self, request, context):  # noqa: N802
        return empty_pb2.Empty()

    def Invoke(self, request, context):  # noqa: N802
        result = invoke_result(request.tok)
        if result is None:
            reason = f"the stand-in has no answer for {request.tok}"
            return provider_pb2.InvokeResponse(failures=[provider_pb2.CheckFailure(property="tok", reason=reason)])
        return provider_pb2.InvokeResponse(**{"return": to_struct(result)})


def _plain(value: Any) -> Any:
    """The recipes read plain values: unwrap secrets (they only read names and sizes) and drop unknowns."""
    if isinstance(value, dict):
        if SECRET_SIG_KEY in value:
            return _plain(value.get("value"))
        return {k: _plain(v) for k, v in value.items() if v != UNKNOWN_SENTINEL}
    if isinstance(value, list):
        return [_plain(v) for v in value if v != UNKNOWN_SENTINEL]
    return value


def _start(package: str, engine_address: str | None, workers: int) -> tuple[grpc.Server, int]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"standin-{package}"))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(StandInProvider(package, engine_address), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


_served: dict[str, int] = {}
_serving = threading.Lock()


def attach_ports() -> dict[str, int]:
    """package -> port of the stand-ins served from this process, started on the first call. Every engine the
    process runs attaches to the same ones (two at once in the faults' concurrent-up): they keep no state."""
    with _serving:
        if not _served:
            servers = []
            for package in PACKAGES:
                server, _served[package] = _start(package, None, workers=16)
                servers.append(server)
            atexit.register(lambda: [server.stop(None) for server in servers])
        return dict(_served)


def attach_variable() -> dict[str, str]:
    """The engine's variable that attaches it to the stand-ins instead of starting plugins of those names."""
    return {"PULUMI_DEBUG_PROVIDERS": ",".join(f"{package}:{port}" for package, port in attach_ports().items())}


def serve(package: str, engine_address: str | None) -> None:
    server, port = _start(package, engine_address, workers=4)
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    server.wait_for_termination()


def main(argv: list[str]) -> int:
    if os.environ.get(ENABLE_VARIABLE) != "1":
        print(
            "error: the stand-in providers run only inside `python -m ops rehearse` or `python -m ops engine`",
            file=sys.stderr,
        )
        return 2
    if not argv or argv[0] not in PACKAGES:
        print(f"error: expected a package ({', '.join(PACKAGES)}), got {argv[:1]}", file=sys.stderr)
        return 2
    serve(argv[0], argv[1] if len(argv) > 1 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
