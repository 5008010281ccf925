"""`ops engine` and `ops rehearse` keep their hands off production and off the working tree (issues 17 and 18)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from ops.rehearsal.engine import Engine, EngineSession
from ops.rehearsal.engine_command import check_stacks
from ops.rehearsal.workspace import refresh_copy, secrets_settings
from ops.shared.errors import UsageError
from tests.support.commands import run_ops
from tests.support.env import ROOT

REFUSED = "ops engine never changes a production stack"


@pytest.mark.parametrize(
    "pulumi_args",
    [
        ["destroy", "-s", "production", "--yes"],
        ["down", "--stack=prod-eu", "--yes"],
        ["destroy", "--exclude-protected", "-sproduction", "--yes"],
        ["destroy", "-s=production", "--target", "urn", "--yes"],
        ["state", "delete", "--stack", "production", "urn"],
        ["state", "unprotect", "-s", "organization/kitchen-kontrol/production", "urn"],
        ["state", "move", "--source", "production", "--dest", "staging", "urn"],
        ["stack", "rm", "production", "--yes"],
        ["stack", "remove", "--force", "-s", "production"],
        # a value-taking global flag, hidden from `pulumi --help`: its value is not the command (issue 29)
        ["--tracing-header", "x", "stack", "rm", "production", "--yes", "--force"],
        ["--color", "never", "-v", "3", "destroy", "-s", "production", "--yes"],
        ["stack", "-Q", "rm", "production", "--yes"],
        ["down", "--tracing-header=x", "--stack", "production", "--yes"],
        ["stack", "delete", "prod_eu", "--force"],
        ["stack", "rename", "production", "-s", "staging"],
        ["config", "set", "-s", "staging", "--config-file", "Pulumi.production.yaml", "key", "value"],
    ],
)
def test_ops_engine_refuses_destroy_state_and_stack_rm_for_production(pulumi_args, cli_grammar):
    with pytest.raises(UsageError, match=REFUSED):
        check_stacks(pulumi_args, ROOT, cli_grammar)


@pytest.mark.parametrize(
    "pulumi_args",
    [
        ["config", "set", "-s", "staging", "-s", "production", "key", "value"],
        ["destroy", "-sstaging", "--stack=production"],
        ["preview", "-s=staging", "--stack", "production"],
        ["state", "delete", "--stack=staging", "-sproduction", "urn"],
    ],
)
def test_ops_engine_refuses_a_repeated_stack_flag_in_any_spelling(pulumi_args, cli_grammar):
    with pytest.raises(UsageError, match=r"pass -s/--stack once, not 2 times \(staging, production\)"):
        check_stacks(pulumi_args, ROOT, cli_grammar)


def test_ops_engine_refuses_a_stack_flag_grouped_with_other_short_flags(cli_grammar):
    with pytest.raises(UsageError, match="-ys: write -s STACK on its own"):
        check_stacks(["destroy", "-ys", "production"], ROOT, cli_grammar)


@pytest.mark.parametrize(
    "pulumi_args",
    [
        ["-C", "/tmp/elsewhere", "config", "set", "-s", "staging", "key", "value"],
        ["-C/tmp/elsewhere", "config", "set", "-s", "staging", "key", "value"],
        ["-C=/tmp/elsewhere", "config", "set", "-s", "staging", "key", "value"],
        ["--cwd", "/tmp/elsewhere", "config", "set", "-s", "staging", "key", "value"],
        ["--cwd=/tmp/elsewhere", "config", "set", "-s", "staging", "key", "value"],
        ["-eC", "/tmp/elsewhere", "preview", "-s", "staging"],  # grouped behind a boolean
        ["config", "set", "-s", "staging", "-C/tmp/elsewhere", "key", "value"],  # after the command
        ["preview", "-s", "staging", "-eC/tmp/elsewhere"],
    ],
)
def test_ops_engine_refuses_cwd_in_every_spelling(pulumi_args, cli_grammar):
    with pytest.raises(UsageError, match="-C/--cwd is not supported"):
        check_stacks(pulumi_args, ROOT, cli_grammar)


def test_ops_engine_refuses_a_flag_the_cli_does_not_have_rather_than_guess_its_value(cli_grammar):
    with pytest.raises(UsageError, match=r"--output: not a flag of `pulumi stack remove`.*the CLI would refuse it"):
        check_stacks(["stack", "--output", "json", "remove", "-s", "production"], ROOT, cli_grammar)
    with pytest.raises(UsageError, match=r"--no-such-flag: not a flag of `pulumi destroy`"):
        check_stacks(["--no-such-flag", "x", "destroy", "-s", "staging"], ROOT, cli_grammar)


def test_the_grammar_reads_hidden_and_listed_flags_as_the_cli_does(cli_grammar):
    parsed = cli_grammar.parse(["--tracing-header", "x", "-v", "3", "stack", "rm", "production", "--yes"])
    assert (parsed.command, parsed.canonical) == (["stack", "rm"], ("stack", "remove"))
    assert parsed.positionals == ["production"]
    assert parsed.flags == [("--tracing-header", "x"), ("-v", "3"), ("--yes", None)]
    # an unknown flag at the top takes the next argument while the CLI looks for the command (cobra's stripFlags)
    assert cli_grammar.parse(["-s", "up", "preview"]).command == ["preview"]


def test_ops_engine_knows_production_by_its_values_whatever_the_stack_is_called(project_dir, cli_grammar):
    project_dir.write_stack("live", appNodeEnv="production")
    project_dir.write_stack("canary", appNodeEnv="staging")
    with pytest.raises(UsageError, match=r"'live': Pulumi.live.yaml sets kitchen-kontrol:appNodeEnv: production"):
        check_stacks(["destroy", "-s", "live", "--yes"], project_dir, cli_grammar)
    assert check_stacks(["destroy", "-s", "canary", "--yes"], project_dir, cli_grammar) == "canary"
    assert check_stacks(["preview", "-s", "live"], project_dir, cli_grammar) == "live"  # a preview is allowed
    # the program's guard reads " Production " as production: so does `ops engine`
    project_dir.write_stack("prd", appNodeEnv=" Production ")
    with pytest.raises(UsageError, match=r"'prd': Pulumi.prd.yaml sets kitchen-kontrol:appNodeEnv: Production"):
        check_stacks(["up", "-s", "prd", "--yes"], project_dir, cli_grammar)


def test_ops_engine_refusals_are_one_line_with_exit_2_and_nothing_run():
    done = run_ops("engine", "--", "destroy", "-s", "staging", "--stack", "production", "--yes", timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("error: pass -s/--stack once, not 2 times (staging, production): the CLI uses the last\n")
    done = run_ops("engine", "--", "stack", "rm", "production", "--yes", timeout=60)
    assert done.returncode == 2 and REFUSED in done.stderr and "Traceback" not in done.stderr


def test_the_cli_never_resolves_the_stack_from_the_callers_pulumi_stack(monkeypatch, tmp_path, cli_grammar):
    monkeypatch.setenv("PULUMI_STACK", "production")
    with pytest.raises(UsageError, match="pass the stack explicitly"):
        check_stacks(["destroy", "--yes"], ROOT, cli_grammar)
    engine = Engine(cli=Path("/bin/true"), source="PATH", version="v0")
    (tmp_path / "policies").mkdir()
    session = EngineSession(engine=engine, project=tmp_path, backend=tmp_path / "backend", api_env={})
    assert "PULUMI_STACK" not in session.env


def test_ops_engine_runs_outside_the_working_tree_unless_in_place(cli_grammar):
    with pytest.raises(UsageError, match="-C/--cwd is not supported"):
        check_stacks(["preview", "-s", "staging", "--cwd", str(ROOT)], ROOT, cli_grammar)


def test_a_hidden_value_flag_cannot_make_ops_engine_remove_production(engine, tmp_path):
    """Issue 29's reproduction through `ops engine` and the real CLI: the production stack is still there."""
    backend = tmp_path / "backend"
    created = run_ops("engine", "--backend", str(backend), "--", "stack", "init", "production", timeout=300)
    assert created.returncode == 0, created.stderr
    done = run_ops(
        *("engine", "--backend", str(backend), "--"),
        *("--tracing-header", "x", "stack", "rm", "production", "--yes", "--force"),
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 2 and REFUSED in done.stderr
    listed = run_ops("engine", "--backend", str(backend), "--", "stack", "ls", "--json", timeout=300)
    assert [stack["name"] for stack in json.loads(listed.stdout)] == ["production"]


def _documented_engine_examples() -> dict[str, list[list[str]]]:
    """Every `.venv/bin/python -m ops engine …` line in a shell block of the README and docs/, by document, in order."""
    examples = {}
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in re.findall(r"```sh\n(.*?)```", document.read_text(), re.DOTALL):
            for line in block.splitlines():
                command = line.split("#")[0].strip()
                if command.startswith(".venv/bin/python -m ops engine"):
                    examples.setdefault(document.name, []).append(shlex.split(command)[4:])
    return examples


def _tree_state() -> tuple[str, str]:
    status = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True)
    diff = subprocess.run(["git", "diff"], cwd=ROOT, capture_output=True, text=True, check=True)
    return status.stdout, diff.stdout


def test_every_documented_ops_engine_example_leaves_the_working_tree_untouched(engine, tmp_path):
    """The README's and docs/' `ops engine` lines as a newcomer runs them, the README's local `up` with the rehearsal
    values among them (issue 32): each works, none changes a tracked file."""
    examples = _documented_engine_examples()
    assert any(args[-2:] == ["init", "staging"] for args in examples["rehearsal.md"]), (
        "docs show how to create the stack"
    )
    assert ["--values", "rehearsal", "--", "up", "-s", "staging", "--yes"] in examples["README.md"]  # the local up
    before = _tree_state()
    ran = {}
    for document, commands in examples.items():  # each document's examples in order, in a backend of their own
        for args in commands:
            done = run_ops("engine", "--backend", str(tmp_path / document), *args, timeout=600)
            assert done.returncode == 0, (document, args, done.stdout[-2000:], done.stderr)
            ran[document, tuple(args)] = done
    # The README's local up made the stack and applied it: a preview of the same backend finds it unchanged.
    up = ran["README.md", ("--values", "rehearsal", "--", "up", "-s", "staging", "--yes")]
    assert "created stack staging" in up.stderr and re.search(r"\+ \d+ created", up.stdout)
    again = run_ops(
        "engine", "--backend", str(tmp_path / "README.md"), "--values", "rehearsal", "--", "preview", "-s", "staging"
    )
    assert again.returncode == 0 and "created stack" not in again.stderr, again.stdout[-2000:] + again.stderr
    assert re.search(r"Resources:\s+\d+ unchanged", again.stdout), again.stdout[-1500:]
    # In CI the tree is clean, so this is `git status --porcelain` empty; locally, unchanged.
    assert _tree_state() == before


def test_the_engine_copy_is_fresh_each_time_and_keeps_only_what_the_cli_wrote_for_its_secrets(project_dir, tmp_path):
    project_dir.write_stack("staging")
    committed = (project_dir / "Pulumi.staging.yaml").read_text()
    copy = refresh_copy(tmp_path / "backend" / "project", project_dir)
    # What `pulumi stack init` and `config set` do to the copy's stack file:
    (copy / "Pulumi.staging.yaml").write_text("encryptionsalt: v1:salt\nconfig:\n  kitchen-kontrol:appPort: '3002'\n")
    copy = refresh_copy(copy, project_dir)
    assert (copy / "Pulumi.staging.yaml").read_text() == "encryptionsalt: v1:salt\n" + committed
    assert (project_dir / "Pulumi.staging.yaml").read_text() == committed
    assert secrets_settings(copy / "Pulumi.staging.yaml") == {"encryptionsalt": "v1:salt"}
