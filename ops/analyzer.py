"""Run the real policy pack over the Analyzer gRPC protocol, the way the Pulumi CLI does.

``ops plan`` uses this to get the very verdicts ``pulumi preview|up --policy-pack policies``
would give, without the CLI: the pack is launched as ``<python> -u -m pulumi.policy
<engine-addr> <packdir>`` with cwd = packdir, then driven with GetAnalyzerInfo, Configure,
ConfigureStack, Analyze (per resource, inputs) and AnalyzeStack (final state, outputs).

The pack gets only the environment an interpreter needs plus the engine's PULUMI_* values:
it judges inputs and never calls a cloud, so no credential of the calling shell reaches it.
What it says on stderr, and any error text it sends back, is redacted (secret config values,
production-secret fingerprints) and capped before it goes into an exception.

    with PolicyAnalyzer(project="kitchen-kontrol", stack="staging", dry_run=True,
                        policy_config="policies/config.staging.json").start() as pack:
        ...                                  # run the program meanwhile: start() does not wait
        diags = pack.analyze(ResourceRecord(urn=..., type=..., name=..., inputs=...))
        diags += pack.analyze_stack(records)

The subprocess is always terminated (killed if need be) when the context exits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

# Engine encodings (pulumi.runtime.rpc.UNKNOWN / _special_sig_key / _special_secret_sig);
# literal here so importing this module stays cheap, and tests pin them to the SDK's.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"  # noqa: S105 - protocol signature, not a secret
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - protocol signature, not a secret

DEFAULT_PACK_DIR = Path(__file__).resolve().parent.parent / "policies"
_MAX_MESSAGE = 400 * 1024 * 1024  # the pack's own limit, so large stacks are not rejected
# The environment the pack's interpreter needs; nothing else of the caller's is passed on.
PACK_ENVIRONMENT = (
    "PATH",
    "HOME",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "TEMP",
    "TMP",
    "SYSTEMROOT",
)
PACK_ERROR_LIMIT = 2000  # characters of pack stderr / error text quoted in an exception


class AnalyzerError(RuntimeError):
    """The pack could not be started or answered with an error."""


class PolicyConfigError(ValueError):
    """The policy-pack config file is unreadable or does not match the policies' schemas."""


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

    @property
    def blocking(self) -> bool:
        return self.enforcement_level == "mandatory"


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


# ---------------------------------------------------------------------------------------
# Encoding values as the engine does


def encode_value(value: Any) -> Any:
    """Mock-monitor value -> engine wire form (before it becomes a protobuf Struct).

    ``pulumi.output.Unknown`` becomes the unknown sentinel, secret-wrapped dicts keep the
    secret signature (the pack unwraps them), ``__``-prefixed internal keys and None
    values are dropped, numbers become floats.
    """
    from pulumi.output import Unknown

    if isinstance(value, Unknown):
        return UNKNOWN
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


def _struct(props: Mapping[str, Any]) -> Any:
    from google.protobuf import struct_pb2

    struct = struct_pb2.Struct()
    struct.update(encode_value(dict(props)))
    return struct


# ---------------------------------------------------------------------------------------
# Policy-pack config, as the CLI reads --policy-pack-config


_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


def load_policy_config(source: str | os.PathLike[str] | Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Parse a policy-pack config (file path or mapping) into {policy: {enforcementLevel?, **props}}."""
    if source is None:
        return {}
    if isinstance(source, Mapping):
        raw: Any = source
        where = "policy config"
    else:
        where = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise PolicyConfigError(f"{where}: cannot read ({exc.strerror})") from None
        if not text.strip():
            return {}
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicyConfigError(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(raw, Mapping):
        raise PolicyConfigError(f"{where}: expected a JSON object of policy name -> level or object")
    result: dict[str, dict[str, Any]] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            entry: dict[str, Any] = {"enforcementLevel": value}
        elif isinstance(value, Mapping):
            entry = dict(value)
        else:
            raise PolicyConfigError(f"{where}: {name!r} must be an enforcement level string or an object")
        level = entry.get("enforcementLevel")
        if level is not None and level not in _LEVELS:
            raise PolicyConfigError(f"{where}: {name}.enforcementLevel must be one of {', '.join(_LEVELS)}")
        result[str(name)] = entry
    return result


CHECKS = ("pack", "cli", "none")


def reconcile_policy_config(
    info: Any, given: Mapping[str, Mapping[str, Any]], *, check: str = "pack"
) -> dict[str, dict[str, Any]]:
    """Mimic the CLI's ReconcilePolicyPackConfig: schema defaults, initial config, then ``given``.

    ``all`` sets the level of every policy before per-policy entries apply.  The result is
    validated against each policy's config schema; errors are listed in one exception.

    ``check`` says how strictly: ``"pack"`` (default) as the pack itself judges its config,
    unknown properties and unknown policy names refused; ``"cli"`` exactly what the Pulumi
    CLI refuses (its schema cannot say ``additionalProperties: false``, so a misspelt
    property gets through to the pack); ``"none"`` sends the config unchecked, to see what
    the pack does with a config nothing else caught.
    """
    if check not in CHECKS:
        raise ValueError(f"check must be one of {', '.join(CHECKS)}")
    from google.protobuf import json_format
    from pulumi.runtime.proto import analyzer_pb2

    level_name = analyzer_pb2.EnforcementLevel.Name
    result: dict[str, dict[str, Any]] = {}
    schemas: dict[str, dict[str, Any]] = {}
    for policy in info.policies:
        schema = json_format.MessageToDict(policy.configSchema) if policy.HasField("configSchema") else {}
        props = {k: v["default"] for k, v in schema.get("properties", {}).items() if "default" in v}
        result[policy.name] = {"enforcementLevel": level_name(policy.enforcementLevel).lower(), **props}
        schemas[policy.name] = schema

    def apply(config: Mapping[str, Mapping[str, Any]]) -> None:
        all_level = (config.get("all") or {}).get("enforcementLevel")
        if all_level:
            for entry in result.values():
                entry["enforcementLevel"] = all_level
        for name, entry in config.items():
            merged = result.setdefault(name, {})
            merged.update(entry)

    initial = {k: json_format.MessageToDict(v) for k, v in info.initialConfig.items()}
    if initial:
        apply({k: {**v.get("properties", {}), **_level(v)} for k, v in initial.items()})
    apply(given)

    errors = []
    if check == "none":
        return result
    for name, schema in schemas.items():
        props = {k: v for k, v in result[name].items() if k != "enforcementLevel"}
        errors += [f"{name}: {e}" for e in _schema_errors(schema, props, strict=check == "pack")]
    if check == "pack":
        unknown = sorted(set(given) - set(schemas) - {"all"})
        errors += [f"{name}: no such policy in the pack" for name in unknown]
    if errors:
        raise PolicyConfigError("policy config does not match the pack: " + "; ".join(errors))
    return result


def _level(config: Mapping[str, Any]) -> dict[str, Any]:
    level = config.get("enforcementLevel")
    return {"enforcementLevel": str(level).lower()} if level else {}


def _schema_errors(schema: Mapping[str, Any], props: Mapping[str, Any], *, strict: bool) -> list[str]:
    import jsonschema

    full = {"type": "object", **{k: v for k, v in schema.items() if k in ("properties", "required")}}
    if strict:
        full["additionalProperties"] = False
    validator = jsonschema.Draft7Validator(full)
    return [
        f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in sorted(validator.iter_errors(dict(props)), key=lambda e: list(map(str, e.absolute_path)))
    ]


# ---------------------------------------------------------------------------------------
# The client


class PolicyAnalyzer:
    """One pack process for one (stack, dry_run); use as a context manager."""

    def __init__(
        self,
        *,
        project: str,
        stack: str,
        dry_run: bool,
        policy_config: str | os.PathLike[str] | Mapping[str, Any] | None = None,
        program_config: Mapping[str, str] | None = None,
        config_secret_keys: Sequence[str] = (),
        organization: str = "organization",
        pack_dir: str | os.PathLike[str] = DEFAULT_PACK_DIR,
        python: str | None = None,
        startup_timeout: float = 30.0,
        stack_tags: Mapping[str, str] | None = None,
    ) -> None:
        self.project, self.stack, self.dry_run = project, stack, dry_run
        self.organization = organization
        self.pack_dir = Path(pack_dir).resolve()
        self.python = python or sys.executable
        self.startup_timeout = startup_timeout
        self.program_config = dict(program_config or {})
        self.config_secret_keys = list(config_secret_keys)
        self.stack_tags = dict(stack_tags or {})
        # Parse early: a bad file is the user's error and should not cost a process start.
        self._given_config = load_policy_config(policy_config)
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._port: int | None = None
        self._port_ready = threading.Event()
        self._channel: Any = None
        self._stub: Any = None
        self._info: Any = None
        self._policy_config: dict[str, dict[str, Any]] | None = None
        self._lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> PolicyAnalyzer:
        """Spawn the pack and return at once; the first RPC waits for its port."""
        if self._proc is not None:
            return self
        env = {k: v for k, v in os.environ.items() if k in PACK_ENVIRONMENT}
        env.update(
            PULUMI_PROJECT=self.project,
            PULUMI_STACK=self.stack,
            PULUMI_DRY_RUN="true" if self.dry_run else "false",
            PULUMI_ORGANIZATION=self.organization,
            PULUMI_CONFIG=json.dumps(self.program_config),
            PULUMI_CONFIG_SECRET_KEYS=json.dumps(self.config_secret_keys),
            PYTHONUNBUFFERED="1",
        )
        self._stderr = tempfile.TemporaryFile()  # a file, so a chatty pack never blocks on a pipe
        try:
            self._proc = subprocess.Popen(
                [self.python, "-u", "-m", "pulumi.policy", "unused-engine-addr", str(self.pack_dir)],
                cwd=self.pack_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as exc:
            self._stderr.close()
            raise AnalyzerError(f"cannot start the policy pack with {self.python}: {exc.strerror}") from None
        threading.Thread(target=self._read_stdout, name="policy-pack-stdout", daemon=True).start()
        return self

    def _read_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        stdout = self._proc.stdout  # keep a reference: close() may clear self._proc meanwhile
        try:
            line = stdout.readline()
            self._port = int(line.strip()) if line.strip().isdigit() else None
            self._port_ready.set()
            # Keep draining so a print in the pack can never fill the pipe and stall it.
            while stdout.read(65536):
                pass
        except (OSError, ValueError):  # the pipe was closed by close()
            pass
        finally:
            self._port_ready.set()

    @property
    def fingerprints(self) -> frozenset[str]:
        """The production-secret fingerprints of the given policy config (no pack needed)."""
        entry = self._given_config.get("no-production-secrets", {})
        values = entry.get("productionSecretFingerprints") or []
        return frozenset(str(f).lower() for f in values) if isinstance(values, list) else frozenset()

    def scrub(self, text: str) -> str:
        """Text the pack produced, fit for a message: secrets redacted first, then capped."""
        from ops.redact import redact_text

        secrets = [v for k, v in self.program_config.items() if k in self.config_secret_keys]
        return redact_text(text, secrets=secrets, fingerprints=self.fingerprints, limit=PACK_ERROR_LIMIT).strip()

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        # Only called once the pack has exited (the file offset is shared with it). A bounded tail,
        # from a line start, so no secret is cut in two before it is redacted.
        size = self._stderr.seek(0, os.SEEK_END)
        start = max(0, size - 1024 * 1024)
        self._stderr.seek(start)
        text = self._stderr.read().decode("utf-8", "replace")
        if start:
            text = text.partition("\n")[2]
        return self.scrub(text)

    def _connect(self) -> Any:
        with self._lock:
            if self._stub is not None:
                return self._stub
            if self._proc is None:
                self.start()
            assert self._proc is not None
            if not self._port_ready.wait(self.startup_timeout):
                raise AnalyzerError(f"policy pack did not report its port within {self.startup_timeout:g}s")
            if self._port is None:
                self._proc.wait(timeout=5)
                raise AnalyzerError(
                    f"policy pack exited (code {self._proc.returncode}) before serving:\n{self._stderr_tail()}"
                )
            import grpc
            from pulumi.runtime.proto import analyzer_pb2_grpc

            self._channel = grpc.insecure_channel(
                f"127.0.0.1:{self._port}",
                options=[
                    ("grpc.max_receive_message_length", _MAX_MESSAGE),
                    ("grpc.max_send_message_length", _MAX_MESSAGE),
                ],
            )
            stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
            self._configure(stub)
            self._stub = stub
            return stub

    def _configure(self, stub: Any) -> None:
        from google.protobuf import empty_pb2
        from pulumi.runtime.proto import analyzer_pb2

        self._info = self._call(stub.GetAnalyzerInfo, empty_pb2.Empty(), wait=True)
        self._send_policy_config(stub)
        self._call(
            stub.ConfigureStack,
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=self.stack,
                project=self.project,
                organization=self.organization,
                dry_run=self.dry_run,
                config=self.program_config,
                config_secret_keys=self.config_secret_keys,
                tags=self.stack_tags,
            ),
        )

    def _send_policy_config(self, stub: Any, check: str = "pack") -> None:
        from pulumi.runtime.proto import analyzer_pb2

        reconciled = reconcile_policy_config(self._info, self._given_config, check=check)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, entry in reconciled.items():
            level = entry.get("enforcementLevel")
            props = {k: v for k, v in entry.items() if k != "enforcementLevel"}
            config = request.policyConfig[name]
            if level:
                config.enforcementLevel = analyzer_pb2.EnforcementLevel.Value(level.upper())
            if props:
                config.properties.update(props)
        self._call(stub.Configure, request)
        self._policy_config = reconciled

    def configure(
        self, policy_config: str | os.PathLike[str] | Mapping[str, Any] | None, *, check: str = "pack"
    ) -> None:
        """Replace the policy config of the running pack (Configure again), e.g. between tests.

        ``check`` as in ``reconcile_policy_config``.
        """
        given = load_policy_config(policy_config)
        stub = self._connect()
        with self._lock:
            previous, self._given_config = self._given_config, given
            try:
                self._send_policy_config(stub, check)
            except Exception:
                self._given_config = previous
                raise

    def _call(self, method: Any, request: Any, *, wait: bool = False) -> Any:
        import grpc

        try:
            return method(request, wait_for_ready=wait, timeout=max(self.startup_timeout, 60.0))
        except grpc.RpcError as exc:
            details = exc.details() if hasattr(exc, "details") else str(exc)
            raise AnalyzerError(f"policy pack call failed: {self.scrub(details or '')}") from None

    def close(self) -> None:
        """Close the channel and end the pack process: terminate, then kill."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        self._stub = None
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> PolicyAnalyzer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries -------------------------------------------------------------------------

    def info(self) -> PackInfo:
        self._connect()
        from pulumi.runtime.proto import analyzer_pb2

        info = self._info
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

    @property
    def policy_config(self) -> dict[str, dict[str, Any]]:
        """The reconciled config sent with Configure (defaults + file), once connected."""
        self._connect()
        assert self._policy_config is not None
        return self._policy_config

    def analyze(self, resource: ResourceRecord) -> list[Diagnostic]:
        """Analyze one resource's inputs, as the engine does before the resource's step."""
        stub = self._connect()
        response = self._call(stub.Analyze, _analyze_request(resource))
        return _resource_diagnostics(response, resource)

    def analyze_many(self, resources: Sequence[ResourceRecord], *, window: int = 8) -> list[list[Diagnostic]]:
        """Analyze many resources with up to ``window`` requests in flight; results in input order.

        Overlapping the client's encoding with the pack's work is what keeps a whole plan
        near 1 ms per resource on two cores.
        """
        import grpc

        stub = self._connect()
        timeout = max(self.startup_timeout, 60.0)
        results: list[list[Diagnostic]] = []
        pending: list[tuple[ResourceRecord, Any]] = []
        for resource in resources:
            pending.append((resource, stub.Analyze.future(_analyze_request(resource), timeout=timeout)))
            if len(pending) >= window:
                results.append(self._collect(*pending.pop(0), grpc))
        while pending:
            results.append(self._collect(*pending.pop(0), grpc))
        return results

    def _collect(self, resource: ResourceRecord, future: Any, grpc: Any) -> list[Diagnostic]:
        try:
            return _resource_diagnostics(future.result(), resource)
        except grpc.RpcError as exc:
            raise AnalyzerError(f"policy pack call failed: {self.scrub(exc.details() or '')}") from None

    def analyze_stack(self, resources: Sequence[ResourceRecord]) -> list[Diagnostic]:
        """Analyze the final state of every resource (outputs), as the engine does at the end."""
        from pulumi.runtime.proto import analyzer_pb2

        stub = self._connect()
        request = analyzer_pb2.AnalyzeStackRequest()
        for r in resources:
            entry = request.resources.add(
                type=r.type,
                properties=_struct(r.outputs if r.outputs is not None else r.inputs),
                urn=r.urn,
                name=r.name,
                options=analyzer_pb2.AnalyzerResourceOptions(parent=r.parent or ""),
                parent=r.parent or "",
                dependencies=list(r.dependencies),
            )
            if r.provider is not None:
                entry.provider.CopyFrom(_provider(r.provider))
        response = self._call(stub.AnalyzeStack, request)
        return [_diagnostic(d, d.urn) for d in response.diagnostics]


def _analyze_request(resource: ResourceRecord) -> Any:
    from pulumi.runtime.proto import analyzer_pb2

    request = analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        properties=_struct(resource.inputs),
        urn=resource.urn,
        name=resource.name,
        options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent or ""),
    )
    if resource.provider is not None:
        request.provider.CopyFrom(_provider(resource.provider))
    return request


def _resource_diagnostics(response: Any, resource: ResourceRecord) -> list[Diagnostic]:
    # The SDK leaves urn empty on resource diagnostics; the engine attaches them to the resource.
    return [_diagnostic(d, d.urn or resource.urn) for d in response.diagnostics]


def _provider(provider: ProviderRecord) -> Any:
    from pulumi.runtime.proto import analyzer_pb2

    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name
    )


def _severity(value: int) -> str:
    from pulumi.runtime.proto import analyzer_pb2

    name = analyzer_pb2.PolicySeverity.Name(value)
    return "" if name.endswith("UNSPECIFIED") else name.removeprefix("POLICY_SEVERITY_").lower()


def _diagnostic(d: Any, urn: str) -> Diagnostic:
    from pulumi.runtime.proto import analyzer_pb2

    return Diagnostic(
        policy_name=d.policyName,
        pack_name=d.policyPackName,
        enforcement_level=analyzer_pb2.EnforcementLevel.Name(d.enforcementLevel).lower(),
        urn=urn,
        message=d.message,
        severity=_severity(d.severity),
    )


# ---------------------------------------------------------------------------------------
# Benchmark (make bench)


@dataclass(frozen=True)
class BenchResult:
    resources: int
    sequential_seconds: float
    pipelined_seconds: float
    startup_seconds: float

    @property
    def ms_per_resource(self) -> float:
        """Per resource as ``ops plan`` sends them (``analyze_many``)."""
        return 1000 * self.pipelined_seconds / self.resources

    @property
    def sequential_ms_per_resource(self) -> float:
        """Per resource for one blocking ``analyze`` call at a time (a full round trip)."""
        return 1000 * self.sequential_seconds / self.resources


BENCH_RECORD = ResourceRecord(
    urn="urn:pulumi:staging::kitchen-kontrol::aws:rds/instance:Instance::bench-db",
    type="aws:rds/instance:Instance",
    name="bench-db",
    inputs={
        "engine": "postgres",
        "instanceClass": "db.t4g.micro",
        "storageEncrypted": True,
        "backupRetentionPeriod": 7,
        "skipFinalSnapshot": False,
        "finalSnapshotIdentifier": "bench-db-final",
        "deletionProtection": True,
        "parameterGroupName": "bench-pg",
        "password": {SECRET_SIG_KEY: SECRET_SIG, "value": "bench-password"},
        "tags": {"project": "kitchen-kontrol", "environment": "staging", "managed-by": "pulumi"},
    },
)


def bench_round_trip(
    n: int = 500,
    *,
    python: str | None = None,
    pack_dir: str | os.PathLike[str] = DEFAULT_PACK_DIR,
    analyzer: PolicyAnalyzer | None = None,
) -> BenchResult:
    """Time ``n`` Analyze calls of a representative RDS instance through the real pack.

    Starts its own pack (staging, update) unless a running ``analyzer`` is given.
    """
    started = time.perf_counter()
    pack = analyzer or PolicyAnalyzer(
        project="kitchen-kontrol", stack="staging", dry_run=False, python=python, pack_dir=pack_dir
    )
    try:
        pack.analyze(BENCH_RECORD)  # connect and warm up
        startup = time.perf_counter() - started
        began = time.perf_counter()
        for _ in range(n):
            pack.analyze(BENCH_RECORD)
        sequential = time.perf_counter() - began
        began = time.perf_counter()
        pack.analyze_many([BENCH_RECORD] * n)
        pipelined = time.perf_counter() - began
    finally:
        if analyzer is None:
            pack.close()
    return BenchResult(n, sequential, pipelined, startup)
