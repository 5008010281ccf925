"""`ops plan [STACK]`: the program under the SDK's mock runtime, printed like `pulumi preview`.

No CLI, no credentials, no network: the same `__main__.py` the engine runs, with the stack's
config from its stack file, every registration recorded. Invoke answers are placeholders.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ops.errors import Failure, UsageError
from ops.project import ROOT

EXIT_OK, EXIT_REFUSED, EXIT_FAILED = 0, 1, 1  # usage errors: ops.errors.UsageError, exit 2
SECRET, UNKNOWN, REDACTED = "[secret]", "[unknown]", "[redacted: production secret]"
MASKS = (UNKNOWN, SECRET, REDACTED)


class PlanRefused(Exception):
    """The program refused the stack (stop before production, unreachable database): exit 1."""


@dataclass
class PlanResult:
    stack: str
    stack_urn: str
    preview: bool
    resources: list  # ops.mocks.Registration, in registration order
    outputs: dict[str, Any]
    invocations: list
    warnings: list[str]
    diagnostics: list = field(default_factory=list)  # ops.analyzer.Diagnostic
    policies_ran: bool = False
    redact: frozenset[str] = frozenset()  # production-secret fingerprints from the policy config
    policy_pack: str | None = None  # "name@version"
    policy_rules: list[dict[str, Any]] = field(default_factory=list)  # every rule, its effective level
    aws_region: str | None = None

    @property
    def mandatory_policies(self) -> list[str]:
        return sorted({d.policy_name for d in self.diagnostics if d.enforcement_level == "mandatory"})


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="offline preview of a stack under the SDK's mocks",
        description="Run the Pulumi program offline (no CLI, credentials or network) and print what it declares.",
    )
    parser.add_argument("stack", nargs="?", default="staging", help="stack name (default: staging)")
    parser.add_argument("--json", action="store_true", help="print the plan document (same as --format json)")
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), json (ops/plan.schema.json) or markdown (a pull-request comment)",
    )
    parser.add_argument(
        "--details",
        "--diff",
        dest="details",
        action="store_true",
        help="every input, placeholder and policy verdict (with --compare: the changed values)",
    )
    parser.add_argument(
        "--width",
        type=_width,
        metavar="COLUMNS",
        help="wrap or shorten text to this many columns; 0: no limit (default: the terminal's, or 120)",
    )
    parser.add_argument(
        "--compare",
        metavar="BASE.json",
        type=Path,
        help="show what changes against a base plan (`ops plan STACK --json` of the base branch)",
    )
    parser.add_argument("--as-update", action="store_true", help="plan the update phase instead of the preview")
    parser.add_argument(
        "--policy-config",
        metavar="FILE",
        type=Path,
        help="policy pack config (default: policies/config.STACK.json)",
    )
    parser.add_argument("--no-policies", action="store_true", help="skip the policy pack")
    parser.add_argument("--debug", action="store_true", help="on a failure, print every frame of the traceback")
    parser.set_defaults(handler=main)


def _width(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a number of columns (0: no limit), got {text!r}")
    return int(text)


def main(args: argparse.Namespace) -> int:
    from ops import plan_document

    if args.json and args.format not in ("text", "json"):
        raise UsageError(f"--json and --format {args.format}: choose one")
    fmt = "json" if args.json else args.format
    base = plan_document.load(args.compare) if args.compare else None  # a bad base fails before the plan runs
    policies: Path | bool = False if args.no_policies else (args.policy_config or True)
    try:
        result = run_plan(args.stack, preview=not args.as_update, root=ROOT, policies=policies)
    except PlanRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except Failure as exc:  # a bug in the program or a broken pack: where to look, not a one-liner
        print(exc.report(debug=args.debug), file=sys.stderr)
        return EXIT_FAILED
    print(_render(document(result), base, fmt, details=args.details, width=args.width))
    if result.mandatory_policies:
        print(f"error: mandatory policy violations: {', '.join(result.mandatory_policies)}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def _render(doc: dict[str, Any], base: dict[str, Any] | None, fmt: str, *, details: bool, width: int | None) -> str:
    from ops import plan_compare, plan_document, plan_markdown, plan_render

    if base is not None:
        comparison = plan_compare.compare(base, doc)
        if fmt == "json":
            return plan_document.dumps(comparison)
        if fmt == "markdown":
            return plan_markdown.render_comparison(comparison, doc)
        return plan_compare.render_text(comparison, details=details, width=width)
    if fmt == "json":
        return plan_document.dumps(doc)
    if fmt == "markdown":
        return plan_markdown.render_plan(doc)
    return plan_render.render_text(doc, details=details, width=width)


def default_policy_config(stack: str, root: Path = ROOT) -> Path:
    path = root / "policies" / f"config.{stack}.json"
    if not path.is_file():
        raise UsageError(f"no policy config {path.relative_to(root)} for stack {stack!r}; pass --policy-config FILE")
    return path


def run_plan(
    stack: str, *, preview: bool = True, root: Path = ROOT, mocks=None, policies: Path | bool = False
) -> PlanResult:
    """Run `root/__main__.py` for `stack`; raises UsageError (bad config), PlanRefused, or Failure (a bug).

    With `policies` (True: the stack's default config file, or a config path) the real pack runs
    as a subprocess, started before the program so both use a core, and judges every resource."""
    import asyncio
    import contextvars
    import gc
    import logging
    import runpy

    from pulumi.runtime import mocks as sdk_mocks
    from pulumi.runtime import settings as sdk_settings
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.stack import run_in_stack

    from ops.mocks import PlanMocks, RecordingMonitor
    from ops.project import load_stack_config

    config = load_stack_config(stack, root)
    plan_mocks = mocks or PlanMocks(preview=preview)
    monitor = RecordingMonitor(plan_mocks)
    warnings: list[str] = []
    logger = logging.getLogger(f"ops.plan.{stack}")
    logger.propagate = False
    logger.handlers = [_Collect(warnings)]
    logger.setLevel(logging.WARNING)

    def execute() -> None:
        sdk_settings.configure(
            sdk_mocks.MockSettings(
                monitor=monitor,
                monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
                engine=sdk_mocks.MockEngine(logger),
                project=config.project,
                stack=stack,
                dry_run=preview,
                organization="organization",
                callbacks=None,
            )
        )
        set_all_config(config.config, config.secret_keys)
        program = str(root / "__main__.py")
        try:
            asyncio.run(run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
        finally:
            monitor.close_thread_loops()

    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    # The pack starts first, so its start-up overlaps the SDK imports on the other core.
    pack = _start_pack(config, preview, root, policies) if policies else None
    try:
        _load_provider_modules()
        # The SDK modules are here for good: keep the collector from rescanning them during the run.
        gc.freeze()
        try:
            # A fresh context per plan: the SDK keeps its root resource and config in context variables.
            contextvars.Context().run(execute)
        except Exception as exc:  # noqa: BLE001 - sorted into a user's error, a refusal or a program failure
            raise _classify(exc, root, _known_secrets(monitor), pack.fingerprints if pack else ()) from None

        stack_urn = f"urn:pulumi:{stack}::{config.project}::pulumi:pulumi:Stack::{config.project}-{stack}"
        result = PlanResult(
            stack=stack,
            stack_urn=stack_urn,
            preview=preview,
            resources=list(monitor.registrations),
            outputs=monitor.outputs_by_urn.get(stack_urn, {}),
            invocations=list(plan_mocks.invocations),
            warnings=warnings,
            aws_region=config.config.get("aws:region"),
        )
        if pack is not None:
            result.diagnostics = _judge(pack, result, config)
            result.policies_ran = True
            result.policy_pack, result.policy_rules = _rules(pack)
            rule = pack.policy_config.get("no-production-secrets", {})
            result.redact = frozenset(str(f).lower() for f in rule.get("productionSecretFingerprints", []))
        return result
    finally:
        gc.unfreeze()
        if pack is not None:
            pack.close()


def _start_pack(config, preview: bool, root: Path, policies: Path | bool):
    from ops.analyzer import AnalyzerError, PolicyAnalyzer, PolicyConfigError

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


def _judge(pack, result: PlanResult, config) -> list:
    """Every resource through Analyze (inputs, the engine's order: the stack first), then AnalyzeStack."""
    from ops.analyzer import AnalyzerError, PolicyConfigError, ProviderRecord, ResourceRecord

    stack_urn = result.stack_urn

    providers: dict[str, ProviderRecord] = {}

    def provider_for(type_: str):
        package = type_.split(":", 1)[0]
        if package in ("pulumi", "kitchen-kontrol", "pulumi-python"):
            return None  # components and dynamic resources have no provider inputs to judge
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


def _rules(pack) -> tuple[str, list[dict[str, Any]]]:
    """The pack's name and every rule with the level the policy config gives it (not the declared one)."""
    info = pack.info()
    configured = pack.policy_config
    rules = [
        {
            "name": p.name,
            "kind": p.kind,
            "enforcementLevel": configured.get(p.name, {}).get("enforcementLevel", p.enforcement_level),
            "severity": p.severity,
            "description": p.description,
        }
        for p in info.policies
    ]
    return f"{info.name}@v{info.version}", rules


def _load_provider_modules() -> None:
    """Load the provider SDK modules the components use before the event loop starts.

    The SDKs load lazily, on first attribute access; inside the program that happens while the
    SDK's RPC threads hold the GIL, which makes the same imports take half as long again.
    """
    import types

    import stacks.environment  # noqa: F401 - imports every component module

    for name, module in list(sys.modules.items()):
        if name.startswith("components."):
            for value in vars(module).values():
                if isinstance(value, types.ModuleType) and type(value) is not types.ModuleType:
                    getattr(value, "__all__", None)  # a lazy module loads on this access


def _classify(exc: Exception, root: Path, secrets=(), fingerprints=()) -> Exception:
    """A refusal and bad config are the user's business (one line); anything else is a bug in the
    program: a Failure with its traceback, trimmed to the project's files unless --debug."""
    import traceback

    import pulumi

    from ops.redact import redact_text
    from stacks.program import InvalidConfiguration, UpdateRefused

    def clean(text: str) -> str:
        return redact_text(text, secrets=secrets, fingerprints=fingerprints)

    if isinstance(exc, UpdateRefused):
        return PlanRefused(clean(str(exc)))
    if isinstance(exc, InvalidConfiguration):
        return UsageError(clean(str(exc)))
    first_line = str(exc).splitlines()[0] if str(exc) else ""
    message = f"the program failed: {exc.__class__.__name__}" + (f": {first_line}" if first_line else "")
    if isinstance(exc, pulumi.RunError):  # the program's own one-line verdict: no traceback by design
        return Failure(clean(message))
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _project_file(f.filename, root)]
    for frame in frames:
        frame.filename = str(Path(frame.filename).resolve().relative_to(root.resolve()))
    if frames:
        trimmed = "Traceback (project files only; --debug shows every frame):\n" + "".join(
            traceback.format_list(frames)
        )
    else:
        trimmed = "No frame of the traceback is in the project's files; --debug shows every frame.\n"
    trimmed += "".join(traceback.format_exception_only(exc))
    return Failure(clean(message), clean(trimmed), clean("".join(traceback.format_exception(exc))))


def _project_file(filename: str, root: Path) -> bool:
    """A file of the program (its __main__.py, stacks/, components/ ...), not the SDK, the venv or this runner."""
    try:
        relative = Path(filename).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return relative.parts[:1] not in ((".venv",), ("venv",)) and relative.as_posix() != "ops/plan.py"


def _known_secrets(monitor) -> list[str]:
    """Plain values of every secret registered so far: a traceback must not show them either."""
    from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

    found: list[str] = []

    def walk(value: Any, secret: bool) -> None:
        if is_rpc_secret(value):
            walk(unwrap_rpc_secret(value), True)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, secret)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, secret)
        elif secret and isinstance(value, str):
            found.append(value)

    for registration in monitor.registrations:
        walk(registration.inputs, False)
        walk(registration.outputs, False)
        # The monitor records outputs plain; the provider declares these secret.
        for key in _SECRET_OUTPUTS.get(registration.type, ()):
            walk(registration.outputs.get(key), True)
    return found


_SECRET_OUTPUTS = {"random:index/randomPassword:RandomPassword": ("result", "bcryptHash")}


class _Collect:
    """A minimal logging handler: the SDK's warnings become plan lines."""

    level = 0

    def __init__(self, sink: list[str]):
        self.sink = sink

    def handle(self, record) -> None:
        self.sink.append(record.getMessage())


def mask(value: Any, fingerprints: frozenset[str] = frozenset()) -> Any:
    """Secrets and unknowns as `pulumi preview` shows them; numbers from the wire as ints.

    A plain value whose SHA-256 is a known production-secret fingerprint is a leak the pack
    reports; the plan must not print it either."""
    from pulumi.output import Unknown
    from pulumi.runtime.rpc import is_rpc_secret

    if isinstance(value, Unknown):
        return UNKNOWN
    if is_rpc_secret(value):
        return SECRET
    if isinstance(value, dict):
        return {k: mask(v, fingerprints) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, (list, tuple)):
        return [mask(v, fingerprints) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and fingerprints and _matches_fingerprint(value, fingerprints):
        return REDACTED
    return value


def _matches_fingerprint(value: str, fingerprints: frozenset[str]) -> bool:
    import hashlib
    from urllib.parse import unquote, urlsplit

    candidates = {value}
    try:
        parts = urlsplit(value)
        candidates |= {unquote(p) for p in (parts.password, parts.username) if p}
    except ValueError:
        pass
    return any(hashlib.sha256(c.encode()).hexdigest() in fingerprints for c in candidates)


def document(result: PlanResult) -> dict[str, Any]:
    """The plan document (ops/plan_document.py), its cost estimate included."""
    from ops import plan_document
    from ops.cost import estimate

    doc = plan_document.build(result)
    doc["cost"] = plan_document.canonical(estimate(doc["resources"], result.aws_region))
    doc["summary"] = plan_document.summarize(doc)
    return doc


def to_json(result: PlanResult) -> dict[str, Any]:
    return document(result)


def render_text(result: PlanResult, *, details: bool = False, width: int | None = 0) -> str:
    from ops.plan_render import render_text as render

    return render(document(result), details=details, width=width)
