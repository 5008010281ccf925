"""`python -m ops engine [--backend DIR] [--values rehearsal] [--in-place] -- PULUMI_ARGS…`: the real Pulumi CLI
in this project with the rehearsal's environment: stand-in providers, a local file backend, a passphrase kept
beside it, local fakes of the SaaS APIs, no cloud credentials. For trying commands the rehearsal does not run.
It runs in a copy of the working tree (ops/rehearsal/workspace.py), so no tracked file changes, unless
--in-place. `--values rehearsal` puts the rehearsal's stand-ins for the committed documentation CIDRs and example
contacts into that copy (creating the stack in the backend if needed), so `up -s staging --yes` succeeds locally."""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
from pathlib import Path

from ops.rehearsal.apis import local_apis
from ops.rehearsal.cli_grammar import CliGrammar, Parsed
from ops.rehearsal.engine import Engine, EngineSession, locate_engine
from ops.rehearsal.lifecycle import REHEARSAL_VALUES
from ops.rehearsal.workspace import apply_values, contacts_in, production_reason, refresh_copy
from ops.shared.errors import UsageError
from ops.shared.project import ROOT

DEFAULT_BACKEND = ROOT / ".tools" / "backend"
# Commands that change a stack's resources, state or config (the project's own Pulumi.STACK.yaml), by the
# words that name them; never run against a production stack from here. `state` covers all its subcommands.
APPLYING = frozenset(
    {
        ("up",),
        ("update",),
        ("destroy",),
        ("down",),
        ("dn",),
        ("watch",),
        ("refresh",),
        ("import",),
        ("state",),
        ("cancel",),
        ("stack", "rm"),
        ("stack", "remove"),
        ("stack", "delete"),
        ("stack", "change-secrets-provider"),
        ("stack", "rename"),
        ("stack", "import"),
        ("config", "set"),
        ("config", "set-all"),
        ("config", "rm"),
        ("config", "rm-all"),
    }
)
# Config commands whose change the next command's fresh copy would not hold (refused unless --in-place).
CONFIG_CHANGES = frozenset({("config", "set"), ("config", "set-all"), ("config", "rm"), ("config", "rm-all")})
_EMAIL = re.compile(r"[^\s<>\"',\[\]]+@[^\s<>\"',\[\]]+")

# `stack` subcommands whose positional argument is a stack name (`pulumi stack rm production`).
STACK_NAME_ARGUMENT = frozenset({"rm", "remove", "delete", "rename", "select", "init", "new", "create", "setup"})


def register(subparsers) -> None:
    parser = subparsers.add_parser("engine", help="the real Pulumi CLI against the stand-in providers")
    parser.add_argument("--backend", type=Path, default=DEFAULT_BACKEND, metavar="DIR", help="file backend to use")
    parser.add_argument(
        "--values",
        choices=("committed", "rehearsal"),
        default="committed",
        help="rehearsal: the rehearsal's CIDRs and contacts in the copy instead of the committed placeholders",
    )
    parser.add_argument(
        "--in-place", action="store_true", help="run in the working tree itself: the CLI may rewrite its stack files"
    )
    parser.add_argument("pulumi_args", nargs=argparse.REMAINDER, help="arguments for pulumi, after --")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    pulumi_args = args.pulumi_args[1:] if args.pulumi_args[:1] == ["--"] else args.pulumi_args
    if not pulumi_args:
        raise UsageError("expected pulumi arguments after --, e.g. python -m ops engine -- preview -s staging")
    if args.in_place and args.values == "rehearsal":
        raise UsageError("--values rehearsal changes the copy's stack file only; it cannot be used with --in-place")
    engine = locate_engine()
    backend = args.backend.resolve()
    grammar = grammar_of(engine, backend)
    stack = check_stacks(pulumi_args, ROOT, grammar)
    parsed = grammar.parse(pulumi_args)  # the CLI's answers are cached: no second look at it
    if not args.in_place:
        refuse_lost_config_change(parsed, stack)
    passphrase_file = backend / "passphrase"
    backend.mkdir(parents=True, exist_ok=True)
    if not passphrase_file.exists():
        passphrase_file.write_text(secrets.token_urlsafe(24) + "\n")
        passphrase_file.chmod(0o600)
    project = ROOT if args.in_place else refresh_copy(backend / "project")
    stack_file = project / f"Pulumi.{stack.rsplit('/', 1)[-1]}.yaml"
    if args.values == "rehearsal" and stack_file.is_file():
        apply_values(stack_file, REHEARSAL_VALUES)
    # The Sentry fake's organization holds every contact this command can name: the stack file's (the
    # rehearsal's with --values rehearsal) and any address in a -c/--config value, so the fake never
    # sends anyone to invite a person in the real Sentry. The fakes live as long as this command.
    contacts = contacts_in(stack_file) + [f"<{e}>" for v in parsed.values("-c", "--config") for e in _EMAIL.findall(v)]
    with local_apis(stack, contacts) as apis:
        session = EngineSession(
            engine=engine,
            project=project,
            backend=backend,
            api_env=apis.env,
            passphrase=passphrase_file.read_text().strip(),
        )
        if args.values == "rehearsal":
            _ensure_stack(session, stack)
        code, output, _ = session.run(pulumi_args)
    sys.stdout.write(output)
    return code


def refuse_lost_config_change(parsed: Parsed, stack: str) -> None:
    """`config set`/`rm` would change the copy only, which the next command's fresh copy replaces: say how
    to change config for this backend instead of exiting 0 on a change that is dropped."""
    words = tuple(parsed.command)
    if not any(_names(parsed, command) for command in CONFIG_CHANGES):
        return
    raise UsageError(
        f"`{' '.join(words[:2])}` would change only this command's copy of Pulumi.{stack}.yaml (ops engine copies "
        f"the working tree afresh before every command). Instead: edit Pulumi.{stack}.yaml (the next command's copy "
        "follows it), pass `-c KEY=VALUE` (or `--config-path -c 'KEY[0]=VALUE'`) to the command that needs it, "
        "use `--values rehearsal` for the rehearsal's CIDRs and contacts, or `--in-place` to let the CLI write the "
        "working tree's stack file"
    )


def _ensure_stack(session: EngineSession, stack: str) -> None:
    """The stack in the backend, created (passphrase provider) when this is its first command."""
    code, output, _ = session.run(["stack", "ls", "--json"])
    names = [entry.get("name", "").rsplit("/", 1)[-1] for entry in json.loads(output)] if code == 0 else []
    if stack.rsplit("/", 1)[-1] in names:
        return
    code, output, _ = session.run(["stack", "init", stack, "--secrets-provider", "passphrase"])
    if code != 0:
        raise UsageError(f"could not create stack {stack!r} in {session.backend}: {output.strip().splitlines()[-1:]}")
    print(f"ops engine: created stack {stack} in {session.backend} (passphrase beside it)", file=sys.stderr)


def grammar_of(engine: Engine, backend: Path = DEFAULT_BACKEND) -> CliGrammar:
    """The CLI's own grammar, its answers cached beside the backend per CLI version."""
    version = engine.version.lstrip("v") or "unknown"
    return CliGrammar.of(engine.cli, engine.version, backend / f"cli-grammar-{version}.json")


def check_stacks(pulumi_args: list[str], root: Path, grammar: CliGrammar) -> str:
    """The stack the CLI will use, after refusing what must not run: -C/--cwd in any spelling (it would leave
    the copy), a flag the command does not have, a repeated -s (the CLI takes the last, a reader the first),
    and a changing command without an explicit stack or on a production one. The command line is read as the
    CLI reads it (`grammar`: its flags and commands from the CLI itself), so a flag's value is never taken for
    a command. The CLI never gets PULUMI_STACK (EngineSession passes an allowlist), so with no -s it resolves
    the selected stack, which a changing command is never left to."""
    if any(_is_cwd(arg) for arg in pulumi_args):
        raise UsageError(CWD_REFUSED)
    parsed = grammar.parse(pulumi_args)
    if any(name in ("-C", "--cwd") for name, _ in parsed.flags):
        raise UsageError(CWD_REFUSED)
    unknown = parsed.unknown_problem()
    if unknown:
        raise UsageError(unknown)
    for group in parsed.groups:
        if any(name == "-s" for name, _ in _group_flags(parsed, group)):
            raise UsageError(f"{group}: write -s STACK on its own, not grouped with other short flags")
    named = parsed.values("-s", "--stack")
    if len(named) > 1:
        raise UsageError(f"pass -s/--stack once, not {len(named)} times ({', '.join(named)}): the CLI uses the last")
    if not changes_stack(parsed):
        return named[0] if named else "staging"
    # Every stack the command acts on: -s, `stack rm NAME`, `state move --source A --dest B`.
    stacks = named + _positional_stacks(parsed) + parsed.values("--source", "--dest")
    if not stacks:
        raise UsageError("pass the stack explicitly (-s STACK): the selected stack is never relied on")
    config_file = parsed.values("--config-file")
    for stack in stacks:
        stack_file = root / (config_file[-1] if config_file else f"Pulumi.{stack.rsplit('/', 1)[-1]}.yaml")
        reason = production_reason(stack, stack_file, root)
        if reason:
            raise UsageError(
                f"ops engine never changes a production stack ({stack!r}: {reason}); `python -m ops rehearse "
                "production` shows the update refused by each key, and `ops engine -- preview -s STACK` previews it"
            )
    return named[0] if named else "staging"


CWD_REFUSED = "-C/--cwd is not supported: ops engine runs the CLI in its own copy of this project"


def _is_cwd(arg: str) -> bool:
    """-C/--cwd as written on its own: `-C`, `-Cdir`, `-C=dir`, `--cwd`, `--cwd=dir` (groups: the grammar)."""
    return arg == "--cwd" or arg.startswith("--cwd=") or (arg.startswith("-C") and not arg.startswith("--"))


def _group_flags(parsed: Parsed, group: str) -> list[tuple[str, str | None]]:
    letters = {"-" + letter for letter in group[1:] if letter.isalpha()}
    return [(name, value) for name, value in parsed.flags if name in letters]


def _positional_stacks(parsed: Parsed) -> list[str]:
    """`pulumi stack rm NAME`, `stack rename NAME`, …: the stack named by position."""
    command = parsed.command
    if command[:1] == ["stack"] and len(command) == 2 and command[1] in STACK_NAME_ARGUMENT:
        return parsed.positionals[:1]
    return []


def _names(parsed: Parsed, command: tuple[str, ...]) -> bool:
    """Whether the command line's command starts with `command`, as typed or as the CLI names it."""
    return any(words[: len(command)] == command for words in (tuple(parsed.command), parsed.canonical))


def changes_stack(parsed: Parsed) -> bool:
    """Whether the command (`up`, `stack rm`, …, as typed or as the CLI names it) is one of APPLYING."""
    return any(_names(parsed, command) for command in APPLYING)
