"""One policy-pack process driven over the Analyzer gRPC protocol, the way the Pulumi CLI drives it.

The pack is launched as ``<python> -u -m pulumi.policy <engine-addr> <packdir>`` with cwd = packdir,
then driven with GetAnalyzerInfo, Configure, ConfigureStack, Analyze (per resource, inputs) and
AnalyzeStack (final state, outputs).

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
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from ops.analyzer import PACK_ENVIRONMENT
from ops.analyzer.config import load_policy_config, production_fingerprints, reconcile_policy_config
from ops.analyzer.wire import (
    Diagnostic,
    PackInfo,
    ResourceRecord,
    analyze_request,
    analyze_stack_request,
    diagnostic,
    pack_info,
    resource_diagnostics,
)
from ops.shared.redact import redact_text
from ops.shared.stderr_file import start_with_stderr_file, stderr_tail

DEFAULT_PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
_MAX_MESSAGE = 400 * 1024 * 1024  # the pack's own limit, so large stacks are not rejected
PACK_ERROR_LIMIT = 2000  # characters of pack stderr / error text quoted in an exception


class AnalyzerError(RuntimeError):
    """The pack could not be started or answered with an error."""


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
        self._closed = False

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> PolicyAnalyzer:
        """Spawn the pack and return at once; the first RPC waits for its port."""
        if self._proc is not None:
            return self
        if self._closed:
            raise AnalyzerError("the policy pack was closed")
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
        try:
            self._proc, self._stderr = start_with_stderr_file(
                [self.python, "-u", "-m", "pulumi.policy", "unused-engine-addr", str(self.pack_dir)],
                cwd=self.pack_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
            )
        except OSError as exc:
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
        return production_fingerprints(self._given_config)

    def scrub(self, text: str) -> str:
        """Text the pack produced, fit for a message: secrets redacted first, then capped."""
        secrets = [v for k, v in self.program_config.items() if k in self.config_secret_keys]
        return redact_text(text, secrets=secrets, fingerprints=self.fingerprints, limit=PACK_ERROR_LIMIT).strip()

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        return self.scrub(stderr_tail(self._stderr))

    def _connect(self) -> Any:
        with self._lock:
            if self._stub is not None:
                return self._stub
            proc = self._proc or self.start()._proc
            assert proc is not None
            if not self._port_ready.wait(self.startup_timeout):
                raise AnalyzerError(f"policy pack did not report its port within {self.startup_timeout:g}s")
            if self._closed:  # closed by another thread meanwhile (e.g. the plan failed)
                raise AnalyzerError("the policy pack was closed")
            if self._port is None:
                proc.wait(timeout=5)
                tail = self._stderr_tail()
                raise AnalyzerError(f"policy pack exited (code {proc.returncode}) before serving:\n{tail}")
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
        try:
            return method(request, wait_for_ready=wait, timeout=max(self.startup_timeout, 60.0))
        except grpc.RpcError as exc:
            details = exc.details() if hasattr(exc, "details") else str(exc)
            raise AnalyzerError(f"policy pack call failed: {self.scrub(details or '')}") from None

    def close(self) -> None:
        """Close the channel and end the pack process: terminate, then kill. Final: a closed pack never
        starts again, and a thread still waiting for its port is woken with an AnalyzerError."""
        self._closed = True
        self._port_ready.set()
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
        return pack_info(self._info)

    @property
    def policy_config(self) -> dict[str, dict[str, Any]]:
        """The reconciled config sent with Configure (defaults + file), once connected."""
        self._connect()
        assert self._policy_config is not None
        return self._policy_config

    def analyze(self, resource: ResourceRecord) -> list[Diagnostic]:
        """Analyze one resource's inputs, as the engine does before the resource's step."""
        stub = self._connect()
        response = self._call(stub.Analyze, analyze_request(resource))
        return resource_diagnostics(response, resource)

    def analyze_many(self, resources: Sequence[ResourceRecord], *, window: int = 8) -> list[list[Diagnostic]]:
        """Analyze many resources with up to ``window`` requests in flight; results in input order.

        Overlapping the client's encoding with the pack's work is what keeps a whole plan
        near 1 ms per resource on two cores.
        """
        results: list[list[Diagnostic]] = []
        pending: list[tuple[ResourceRecord, Any]] = []
        for resource in resources:
            pending.append((resource, self.submit(resource)))
            if len(pending) >= window:
                results.append(self.collect(*pending.pop(0)))
        while pending:
            results.append(self.collect(*pending.pop(0)))
        return results

    def submit(self, resource: ResourceRecord) -> Any:
        """Send one Analyze and return at once: a future for ``collect``. Thread-safe."""
        stub = self._connect()
        return stub.Analyze.future(analyze_request(resource), timeout=max(self.startup_timeout, 60.0))

    def collect(self, resource: ResourceRecord, future: Any) -> list[Diagnostic]:
        """The verdicts of a ``submit``, waiting for them."""
        try:
            return resource_diagnostics(future.result(), resource)
        except grpc.RpcError as exc:
            raise AnalyzerError(f"policy pack call failed: {self.scrub(exc.details() or '')}") from None

    def analyze_stack(self, resources: Sequence[ResourceRecord]) -> list[Diagnostic]:
        """Analyze the final state of every resource (outputs), as the engine does at the end."""
        stub = self._connect()
        response = self._call(stub.AnalyzeStack, analyze_stack_request(resources))
        return [diagnostic(d, d.urn) for d in response.diagnostics]
