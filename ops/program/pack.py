"""The bridge to the policy pack, run in the plan's judge process (ops/program/judge_process.py): start
the pack for a stack, send it every recorded registration the way the engine does, and read back its
verdicts and rules."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ops.analyzer.client import AnalyzerError, PolicyAnalyzer
from ops.analyzer.config import PolicyConfigError, production_fingerprints
from ops.analyzer.wire import Diagnostic, ProviderRecord, ResourceRecord
from ops.program.verdicts import NOTES_POLICY
from ops.shared.errors import Failure, UsageError
from ops.shared.project import StackConfig

if TYPE_CHECKING:
    from ops.program.mocks import Registration

# Packages whose resources have no provider inputs to judge: components and dynamic resources.
_NO_PROVIDER = ("pulumi", "kitchen-kontrol", "pulumi-python")


def start_pack(config: StackConfig, preview: bool, policy_config: Path) -> PolicyAnalyzer:
    """The pack for this stack with the plan's policy config file (`verdicts.read_policy_config`), started (it
    does not wait for the pack to serve)."""
    try:
        return PolicyAnalyzer(
            project=config.project,
            stack=config.stack,
            dry_run=preview,
            policy_config=policy_config,
            program_config=config.config,
            config_secret_keys=config.secret_keys,
        ).start()
    except PolicyConfigError as exc:
        raise UsageError(str(exc)) from None
    except AnalyzerError as exc:
        raise Failure(f"policy pack: {exc}") from None


class Judge:
    """Every resource through Analyze (inputs, the engine's order: the stack first), then AnalyzeStack.

    A thread of the Judge's own (`start`) connects to the pack, configures it and sends each resource
    the mock monitor hands to `send` as the program registers it: the program never waits for the pack,
    and the pack judges on the other core while the program runs, as under the engine. `verdicts` lets the
    sender finish, then collects in URN order, so the output does not depend on the order resources
    registered in. A pack error met on the way is raised by `verdicts`, never into the program."""

    def __init__(self, pack: PolicyAnalyzer, config: StackConfig, stack_urn: str) -> None:
        self.pack, self.config, self.stack_urn = pack, config, stack_urn
        self._providers: dict[str, ProviderRecord] = {}
        self._sent: dict[str, tuple[ResourceRecord, Any]] = {}
        self._inbox: queue.SimpleQueue[Registration | None] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, name="policy-pack-sender", daemon=True)
        self._error: BaseException | None = None

    def start(self) -> None:
        """Connect to the pack and send it each registration, on the Judge's own thread."""
        self._sender.start()

    def send(self, registration: Registration) -> None:
        """Hand one registration to the sender; returns at once (called on the SDK's threads)."""
        self._inbox.put(registration)

    def stop(self) -> None:
        """Let the sender finish what it was handed and end; `verdicts` does this itself."""
        self._inbox.put(None)
        if self._sender.ident is not None:
            self._sender.join()

    def _send_all(self) -> None:
        try:
            self.pack.info()  # the first call connects and sends the policy config
            self._submit(self._stack_record())
            while (registration := self._inbox.get()) is not None:
                self._submit(self._record(registration))
        except BaseException as exc:  # noqa: BLE001 - raised by `verdicts`, in the caller's thread
            self._error = exc

    def verdicts(self) -> list[Diagnostic]:
        """The verdicts on the stack and every registration `send` was handed (the mock monitor hands it each)."""
        try:
            if self._sender.ident is None:  # a caller that never started it
                self.start()
            self.stop()  # every registration handed over is submitted once this returns
            if self._error is not None:
                raise self._error
            # The stack first, then URN order: registration order varies run to run, and a stack rule
            # reports the first resource it meets.
            stack = self._sent[self.stack_urn]
            sent = [stack, *(self._sent[urn] for urn in sorted(self._sent) if urn != self.stack_urn)]
            diagnostics = [d for record, future in sent for d in self.pack.collect(record, future)]
            return diagnostics + self.pack.analyze_stack([record for record, _ in sent])
        except PolicyConfigError as exc:
            raise UsageError(str(exc)) from None
        except AnalyzerError as exc:  # already capped and redacted by the analyzer
            raise Failure(f"policy pack: {exc}") from None

    def _submit(self, record: ResourceRecord) -> None:
        self._sent[record.urn] = (record, self.pack.submit(record))

    def _stack_record(self) -> ResourceRecord:
        name = f"{self.config.project}-{self.config.stack}"
        return ResourceRecord(urn=self.stack_urn, type="pulumi:pulumi:Stack", name=name)

    def _record(self, registration: Registration) -> ResourceRecord:
        return ResourceRecord(
            urn=registration.urn,
            type=registration.type,
            name=registration.name,
            inputs=registration.inputs,
            outputs=registration.outputs,
            parent=registration.parent or self.stack_urn,
            provider=self._provider(registration.type) if registration.custom else None,
        )

    def _provider(self, type_: str) -> ProviderRecord | None:
        package = type_.split(":", 1)[0]
        if package in _NO_PROVIDER:
            return None
        if package not in self._providers:
            prefix = f"{package}:"
            inputs = {k[len(prefix) :]: v for k, v in self.config.config.items() if k.startswith(prefix)}
            self._providers[package] = ProviderRecord(
                urn=f"{self.stack_urn.split('::pulumi:pulumi:Stack')[0]}::pulumi:providers:{package}::default",
                type=f"pulumi:providers:{package}",
                name="default",
                inputs=inputs,
            )
        return self._providers[package]


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
