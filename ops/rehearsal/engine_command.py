"""`python -m ops engine [--backend DIR] -- PULUMI_ARGS…`: the real Pulumi CLI in this project with
the rehearsal's environment: stand-in providers, a local file backend, a passphrase kept beside it,
the UptimeRobot fake, no cloud credentials. For trying commands the rehearsal does not run."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

from ops.rehearsal.apis import local_apis, stack_contacts
from ops.rehearsal.engine import EngineSession, locate_engine
from ops.shared.errors import UsageError
from ops.shared.project import ROOT
from stacks.guard import is_production

DEFAULT_BACKEND = ROOT / ".tools" / "backend"
# Commands that change a stack's resources, state or config (the project's own Pulumi.STACK.yaml), by the
# words that name them; never run against a production stack from here. `state` covers all its subcommands.
APPLYING = frozenset(
    {
        ("up",),
        ("update",),
        ("destroy",),
        ("refresh",),
        ("import",),
        ("state",),
        ("cancel",),
        ("stack", "rm"),
        ("stack", "remove"),
        ("stack", "rename"),
        ("stack", "import"),
        ("config", "set"),
        ("config", "set-all"),
        ("config", "rm"),
        ("config", "rm-all"),
    }
)
# The flags that may stand before or between a command's words and take the next argument as their value: the
# global ones (`pulumi --help`) and those of the `stack` and `config` groups. Any other flag is a boolean, is
# written `--flag=value` or comes after the words; without this list a value would be read as a command word.
VALUE_FLAGS = frozenset(
    {"-C", "--cwd", "--color", "-v", "--verbose", "--memprofilerate", "--otel-traces", "--profiling", "--tracing"}
    | {"-s", "--stack", "--config-file", "--output"}
)


def register(subparsers) -> None:
    parser = subparsers.add_parser("engine", help="the real Pulumi CLI against the stand-in providers")
    parser.add_argument("--backend", type=Path, default=DEFAULT_BACKEND, metavar="DIR", help="file backend to use")
    parser.add_argument("pulumi_args", nargs=argparse.REMAINDER, help="arguments for pulumi, after --")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    pulumi_args = args.pulumi_args[1:] if args.pulumi_args[:1] == ["--"] else args.pulumi_args
    if not pulumi_args:
        raise UsageError("expected pulumi arguments after --, e.g. python -m ops engine -- preview -s staging")
    stack = _stack_argument(pulumi_args)
    applying = changes_stack(pulumi_args)
    if applying and stack is None:
        raise UsageError("pass the stack explicitly (-s STACK): the selected stack is never relied on")
    stack = stack or "staging"
    if applying and is_production(stack):
        raise UsageError(
            f"ops engine never changes a production stack ({stack!r}); `python -m ops rehearse {stack}` shows the "
            "update refused by each key, and `ops engine -- preview -s STACK` previews it"
        )
    engine = locate_engine()
    backend = args.backend.resolve()
    passphrase_file = backend / "passphrase"
    backend.mkdir(parents=True, exist_ok=True)
    if not passphrase_file.exists():
        passphrase_file.write_text(secrets.token_urlsafe(24) + "\n")
        passphrase_file.chmod(0o600)
    # The fakes live as long as this command: what they hold does not outlive it, unlike the backend.
    with local_apis(stack, stack_contacts(stack)) as apis:
        session = EngineSession(
            engine=engine,
            project=ROOT,
            backend=backend,
            api_env=apis.env,
            passphrase=passphrase_file.read_text().strip(),
        )
        code, output, _ = session.run(pulumi_args)
    sys.stdout.write(output)
    return code


def _stack_argument(pulumi_args: list[str]) -> str | None:
    """The stack the command names with -s/--stack, if any."""
    for index, arg in enumerate(pulumi_args):
        if arg in ("-s", "--stack") and index + 1 < len(pulumi_args):
            return pulumi_args[index + 1]
        if arg.startswith("--stack="):
            return arg.split("=", 1)[1]
    return None


def changes_stack(pulumi_args: list[str]) -> bool:
    """Whether the command (its words before any argument: `up`, `stack rm`, …) is one of APPLYING."""
    words = tuple(_words(pulumi_args))
    return any(words[: len(command)] == command for command in APPLYING)


def _words(pulumi_args: list[str]) -> list[str]:
    """The arguments that are not flags or flag values: the command's words, then its positional arguments."""
    words, value_next = [], False
    for arg in pulumi_args:
        if value_next:
            value_next = False
        elif arg.startswith("-"):
            value_next = arg in VALUE_FLAGS
        else:
            words.append(arg)
    return words
