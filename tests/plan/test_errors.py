"""`ops plan` when something breaks: the user's mistake is one line and exit 2; a bug in the program is
exit 1 with the traceback trimmed to the project's files (every frame with --debug), secrets redacted."""

from __future__ import annotations

import sys
import textwrap

import pytest

import ops.plan.command
from ops.__main__ import main as ops_main
from ops.program.runner import run_plan
from ops.shared.errors import Failure
from tests.support.plan import CANARY_SECRET

PROGRAMS = {
    "key-error": """
        import kkbug_{n}

        kkbug_{n}.explode({{"app": 1}})
    """,
    "secret-in-message": """
        import pulumi

        import kkbug_{n}

        secret = pulumi.Output.secret("{secret}")
        thing = pulumi.CustomResource("test:index:Thing", "thing", {{"password": secret}})
        pulumi.Output.all(thing.urn, secret).apply(lambda values: kkbug_{n}.log_in(values[1]))
    """,
    "run-error": """
        import pulumi

        raise pulumi.RunError("the program says no")
    """,
}
HELPER = """
def explode(settings):
    return settings["database"]


def log_in(password):
    raise RuntimeError(f"cannot log in with {password}")
"""


@pytest.fixture
def program(project_dir, request):
    """A project whose __main__.py is one of PROGRAMS, with a helper module of its own."""
    n = request.node.name.translate(str.maketrans("[]-", "___"))

    def write(kind: str) -> str:
        source = textwrap.dedent(PROGRAMS[kind]).format(n=n, secret=CANARY_SECRET)
        (project_dir / "__main__.py").write_text(source)
        (project_dir / f"kkbug_{n}.py").write_text(HELPER)
        return project_dir.write_stack("bug")

    yield write
    sys.modules.pop(f"kkbug_{n}", None)


@pytest.fixture
def plan_cli(monkeypatch, capsys, project_dir):
    """`python -m ops plan ...` in this process, on the throwaway project."""
    monkeypatch.setattr(ops.plan.command, "ROOT", project_dir)

    def run(*args: str):
        code = ops_main(["plan", *args])
        return code, capsys.readouterr()

    return run


def test_a_bug_in_the_program_is_exit_1_with_the_project_frames(program, plan_cli):
    code, out = plan_cli(program("key-error"), "--no-policies")
    assert code == 1 and out.out == ""
    lines = out.err.splitlines()
    assert lines[0] == "error: the program failed: KeyError: 'database'"
    assert any(line.startswith('  File "__main__.py", line 4, in <module>') for line in lines)
    assert any(line.startswith('  File "kkbug_') and "line 3, in explode" in line for line in lines)
    assert '    return settings["database"]' in lines
    assert lines[-1] == "KeyError: 'database'"
    assert "site-packages" not in out.err and "asyncio" not in out.err and "ops/program/runner.py" not in out.err


def test_debug_shows_every_frame(program, plan_cli):
    code, out = plan_cli(program("key-error"), "--no-policies", "--debug")
    assert code == 1
    assert "Traceback (most recent call last)" in out.err
    assert "pulumi/runtime/stack.py" in out.err and "kkbug_" in out.err


def test_a_run_error_is_the_programs_own_one_line_verdict(program, plan_cli):
    code, out = plan_cli(program("run-error"), "--no-policies")
    assert code == 1
    assert out.err.strip() == "error: the program failed: RunError: the program says no"


@pytest.mark.parametrize("preview", [True, False])
def test_secrets_are_redacted_from_the_traceback(program, project_dir, preview):
    with pytest.raises(Failure) as caught:
        run_plan(program("secret-in-message"), preview=preview, root=project_dir)
    for report in (caught.value.report(), caught.value.report(debug=True)):
        assert CANARY_SECRET not in report
        assert "cannot log in with [secret]" in report


def test_usage_errors_stay_one_line_exit_2(plan_cli, project_dir):
    code, out = plan_cli("nosuch", "--no-policies")
    assert code == 2 and len(out.err.strip().splitlines()) == 1
    code, out = plan_cli(project_dir.write_stack("broken", appPort=70000), "--no-policies")
    assert code == 2 and out.err.startswith("error: invalid configuration in Pulumi.broken.yaml")
    assert len(out.err.strip().splitlines()) == 1
