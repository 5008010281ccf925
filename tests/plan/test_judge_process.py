"""The plan's policy judge in its own process (ops/program/judge_process.py): what a user sees when it
dies, and that a plan never leaves it or the pack behind. Verdicts themselves: tests/plan/test_policies.py."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from ops.program import judge_process
from ops.program.judge_process import JudgeProcess
from ops.shared.errors import Failure
from ops.shared.project import load_stack_config
from tests.support.env import ROOT
from tests.support.policy import sha

CANARY = "CANARYjudgeSecret51c9"
CREDENTIAL = "CANARYshellCredential0d4e"
PRODUCTION_TOKEN = "CANARYprodToken9e1f"  # known to the plan only by its fingerprint


@pytest.fixture
def start_judge():
    """A JudgeProcess for staging with the committed policy config (and a canary secret in the config);
    closed after the test whatever it did."""
    started: list[JudgeProcess] = []

    def start() -> JudgeProcess:
        config = load_stack_config("staging")
        config.config["kitchen-kontrol:dbPassword"] = CANARY
        config.secret_keys.append("kitchen-kontrol:dbPassword")
        urn = "urn:pulumi:staging::kitchen-kontrol::pulumi:pulumi:Stack::kitchen-kontrol-staging"
        policy_config = ROOT / "policies" / "config.staging.json"
        started.append(JudgeProcess(config, True, policy_config, urn, frozenset({sha(PRODUCTION_TOKEN)})))
        return started[-1]

    yield start
    for judge in started:
        judge.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.parametrize("answered", [False, True], ids=["plan-failed", "plan-judged"])
def test_closing_the_judge_leaves_neither_it_nor_the_pack_behind(start_judge, answered):
    judge = start_judge()
    worker = judge._proc.pid
    pack = _wait_for(lambda: _children(worker))[0]  # the worker starts the pack at once
    if answered:
        _, name, rules, _ = judge.verdicts()
        assert name.startswith("kitchen-kontrol@v") and rules
    judge.close()
    _wait_for(lambda: not _alive(worker), 10)
    _wait_for(lambda: not _alive(pack), 10)


def test_no_credential_of_the_shell_reaches_the_judge_or_the_pack(start_judge, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIAL)
    judge = start_judge()
    worker = judge._proc.pid
    pack = _wait_for(lambda: _children(worker))[0]
    for pid in (worker, pack):
        assert CREDENTIAL.encode() not in Path(f"/proc/{pid}/environ").read_bytes()


def test_a_judge_that_dies_is_one_line_naming_it_with_no_secret(start_judge, monkeypatch, tmp_path):
    # A worker that says the config's secret and a production one on stderr and exits, as a crash might.
    (tmp_path / "dying_judge.py").write_text(
        "import sys; sys.stdin.buffer.read(1)\n"
        f"print('boom near {CANARY} and {PRODUCTION_TOKEN}', file=sys.stderr)\n"
        "sys.exit(3)\n"
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(judge_process, "_WORKER", "dying_judge")
    judge = start_judge()
    with pytest.raises(Failure) as raised:
        judge.verdicts()
    message = str(raised.value)
    assert message.startswith("policy pack: its judge stopped (code 3):")
    assert "boom near" in message and CANARY not in message and PRODUCTION_TOKEN not in message


def test_a_judge_killed_mid_plan_fails_the_plan_instead_of_hanging(start_judge):
    judge = start_judge()
    worker = judge._proc.pid
    for pid in [*_wait_for(lambda: _children(worker)), worker]:  # the pack too: nothing left running
        os.kill(pid, signal.SIGKILL)
    judge._proc.wait(timeout=10)
    judge.send(object())  # the program keeps registering: no exception reaches it
    with pytest.raises(Failure, match=r"^policy pack: its judge stopped \(code -9\)"):
        judge.verdicts()


def test_a_judge_that_never_answers_fails_the_plan_within_the_timeout(start_judge, monkeypatch, tmp_path):
    (tmp_path / "silent_judge.py").write_text("import sys, time\nwhile sys.stdin.buffer.read(65536):\n    pass\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(judge_process, "_WORKER", "silent_judge")
    monkeypatch.setattr(judge_process, "_ANSWER_TIMEOUT", 1.0)
    judge = start_judge()
    with pytest.raises(Failure, match=r"^policy pack: its judge did not answer within 1s$"):
        judge.verdicts()
    _wait_for(lambda: not _alive(judge._proc.pid), 10)
