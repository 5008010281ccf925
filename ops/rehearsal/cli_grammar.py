"""What a Pulumi command line means, read from the CLI itself, so `ops engine` judges what the CLI will run.

A hand-kept list of value-taking flags goes stale: `--tracing-header x stack rm production` read `x` as the
command. The CLI (cobra + pflag) says which flags it has and which take a value in each command's `--help`
(`Flags:` and `Global Flags:`, a type after a flag's name: `--cwd string`, `--verbose int`), and which word is
a command in its `Usage:` line (`pulumi stack rm --help` says `pulumi stack remove`). A hidden flag
(`--tracing-header`, `stack ls --json`) is in no help: `pulumi COMMAND --help FLAG` tells a boolean (the help)
from one that takes a value ("flag needs an argument") from none ("unknown flag"), and never runs the command.
A flag still unknown is reported (`Parsed.unknown`), and `ops engine` refuses it.

The command line is then read as cobra does: first the command (at each level, a flag not known there takes
the next argument, cobra's `stripFlags`), then every flag against the final command's set (pflag: `--`, `--f=v`,
`-abc` groups, `-Cdir`, `-C=dir`). What the CLI answers is cached per CLI version in a JSON file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ops.shared.errors import UsageError

_FLAG = re.compile(r"^\s+(?:(-[A-Za-z0-9]), )?(--[A-Za-z0-9][\w-]*)(?: (\S+))?(?:\s{2,}|$)")
_SECTIONS = ("Flags:", "Global Flags:")


@dataclass(frozen=True)
class CommandHelp:
    """One command as its `--help` shows it."""

    path: tuple[str, ...]  # its canonical words: ("stack", "remove")
    value_flags: frozenset[str]
    bool_flags: frozenset[str]
    has_subcommands: bool


def parse_help(text: str) -> CommandHelp | None:
    """The command, its flags and whether it has subcommands, from cobra's help text; None if there is none."""
    lines = text.splitlines()
    try:
        usage = lines[lines.index("Usage:") + 1].split()
    except (ValueError, IndexError):
        return None
    if usage[:1] != ["pulumi"]:
        return None
    path = tuple(word for word in _leading_words(usage[1:]))
    values, bools, section = set(), set(), None
    for line in lines:
        if not line.startswith(" "):
            section = line if line in _SECTIONS else None
            continue
        match = _FLAG.match(line) if section else None
        if match:
            short, long, kind = match.groups()
            names = {long, *([short] if short else [])}
            (values if kind else bools).update(names)
    return CommandHelp(path, frozenset(values), frozenset(bools), "[command]" in text)


def _leading_words(words: list[str]):
    for word in words:
        if word.startswith(("[", "<", "-")):
            return
        yield word


@dataclass
class Parsed:
    """A command line as the CLI reads it."""

    command: list[str]  # the command's words as typed: ["stack", "rm"]
    canonical: tuple[str, ...]  # the same, as the CLI names them: ("stack", "remove")
    positionals: list[str]
    flags: list[tuple[str, str | None]]  # ("-s", "production"), ("--yes", None), in order
    groups: list[str] = field(default_factory=list)  # short flags grouped in one argument: "-ys"
    unknown: list[str] = field(default_factory=list)  # flags the command does not have (the CLI would refuse them)

    def unknown_problem(self) -> str | None:
        if not self.unknown:
            return None
        where = " ".join(("pulumi", *self.canonical))
        return (
            f"{', '.join(self.unknown)}: not a flag of `{where}` (read from the CLI's own help); "
            "the CLI would refuse it too"
        )

    @property
    def words(self) -> list[str]:
        return self.command + self.positionals

    def values(self, *names: str) -> list[str]:
        return [value for name, value in self.flags if name in names and value is not None]


class CliGrammar:
    """The CLI's commands and flags, asked of the CLI once per command and cached."""

    def __init__(self, ask: Callable[[list[str]], tuple[int, str]], version: str, cache: Path | None = None):
        self.ask, self.version, self.cache_file = ask, version, cache
        self._cache: dict[str, object] = {}
        if cache is not None and cache.is_file():
            try:
                self._cache = json.loads(cache.read_text())
            except ValueError:
                self._cache = {}

    @classmethod
    def of(cls, cli: Path, version: str, cache: Path | None = None) -> CliGrammar:
        def ask(args: list[str]) -> tuple[int, str]:
            env = {"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1", "PULUMI_SKIP_UPDATE_CHECK": "true"}
            with tempfile.TemporaryDirectory(prefix="kk-cli-grammar-") as empty:
                env["PULUMI_HOME"] = str(Path(empty) / "home")
                done = subprocess.run(
                    [str(cli), *args], cwd=empty, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                    timeout=60,
                )  # fmt: skip
            return done.returncode, done.stdout + done.stderr

        return cls(ask, version, cache)

    def _remember(self, key: str, value: object) -> object:
        self._cache[key] = value
        if self.cache_file is not None:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.cache_file.with_name(f"{self.cache_file.name}.{os.getpid()}.tmp")
            partial.write_text(json.dumps(self._cache, indent=1, sort_keys=True))
            os.replace(partial, self.cache_file)  # whole or not at all, for another `ops engine` reading it
        return value

    def help(self, words: list[str]) -> CommandHelp | None:
        key = "help " + json.dumps(words)
        if key not in self._cache:
            code, output = self.ask([*words, "--help"])
            parsed = parse_help(output) if code == 0 else None
            stored = None
            if parsed is not None:
                flags = [sorted(parsed.value_flags), sorted(parsed.bool_flags)]
                stored = [list(parsed.path), *flags, parsed.has_subcommands]
            self._remember(key, stored)
        stored = self._cache[key]
        if stored is None:
            return None
        path, values, bools, has_subcommands = stored  # type: ignore[misc]
        return CommandHelp(tuple(path), frozenset(values), frozenset(bools), has_subcommands)

    def hidden_flag(self, path: tuple[str, ...], name: str) -> str | None:
        """ "value", "bool" or None for a flag the help does not show, asked of the CLI: `pulumi PATH --help FLAG`
        prints the help for a boolean, says "flag needs an argument" for one that takes a value and "unknown
        flag" for none; `--help` first, so the command itself never runs."""
        key = "flag " + json.dumps([*path, name])
        if key not in self._cache:
            code, output = self.ask([*path, "--help", name])
            if "flag needs an argument" in output:
                kind = "value"
            elif code == 0 and "unknown" not in output.split("\n", 1)[0]:
                kind = "bool"
            else:
                kind = None
            self._remember(key, kind)
        return self._cache[key]  # type: ignore[return-value]

    def _kind(self, command: CommandHelp, name: str) -> str | None:
        if name in command.value_flags:
            return "value"
        if name in command.bool_flags:
            return "bool"
        return self.hidden_flag(command.path, name)

    def parse(self, args: list[str]) -> Parsed:
        command_at, help_ = self._find_command(args)
        parsed = Parsed([args[i] for i in command_at], help_.path, [], [])
        index, only_positionals = 0, False
        while index < len(args):
            arg = args[index]
            index += 1
            if index - 1 in command_at:
                continue
            if only_positionals or not arg.startswith("-") or arg == "-":
                parsed.positionals.append(arg)
            elif arg == "--":
                only_positionals = True
            elif arg.startswith("--"):
                name, equals, value = arg.partition("=")
                kind = self._kind(help_, name)
                if kind is None:
                    parsed.unknown.append(name)
                if kind == "value" and not equals:
                    value, index = (args[index] if index < len(args) else None), index + 1
                parsed.flags.append((name, value if (equals or kind == "value") else None))
            else:
                index = self._short_group(help_, arg, args, index, parsed)
        return parsed

    def _short_group(self, help_: CommandHelp, arg: str, args: list[str], index: int, parsed: Parsed) -> int:
        """pflag's `-abc`: booleans until one takes a value, which is the rest (`-Cdir`, `-C=dir`) or the next."""
        before = len(parsed.flags)
        index = self._short_flags(help_, arg, args, index, parsed)
        if len(parsed.flags) - before > 1:
            parsed.groups.append(arg)
        return index

    def _short_flags(self, help_: CommandHelp, arg: str, args: list[str], index: int, parsed: Parsed) -> int:
        for position in range(1, len(arg)):
            name = "-" + arg[position]
            kind = self._kind(help_, name)
            if kind is None:  # what follows cannot be read: the rest of the group is not looked at
                parsed.unknown.append(name)
                return index
            if kind == "value":
                rest = arg[position + 1 :]
                if rest:
                    parsed.flags.append((name, rest.removeprefix("=")))
                    return index
                parsed.flags.append((name, args[index] if index < len(args) else None))
                return index + 1
            parsed.flags.append((name, None))
        return index

    def _find_command(self, args: list[str]) -> tuple[set[int], CommandHelp]:
        """The positions of the command's words and its help, found as cobra finds them."""
        typed: list[str] = []
        at: set[int] = set()
        current = self.help([])
        if current is None:
            raise UsageError("the Pulumi CLI gave no help to read its flags from (`pulumi --help`)")
        index = 0
        while index < len(args) and current.has_subcommands:
            arg = args[index]
            if arg == "--":
                break
            if arg.startswith("-"):
                takes_next = "=" not in arg and (arg.startswith("--") or len(arg) == 2)
                if takes_next and self._kind(current, arg) != "bool":
                    index += 1  # cobra's stripFlags: a flag not known as a boolean here takes the next argument
                index += 1
                continue
            found = self.help([*typed, arg])
            if found is None or len(found.path) != len(current.path) + 1:
                break  # not a command: the rest are arguments
            typed.append(arg)
            at.add(index)
            current = found
            index += 1
        return at, current
