"""`ops verify` as a person runs it: progress on a terminal, silence in CI, Ctrl-C, and TLS judged first.

Each test runs `python -m ops verify` as a real subprocess; stderr is a pseudo-terminal where the
test needs a TTY, and Ctrl-C is a real SIGINT sent while the loopback server is being polled.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.support.commands import ops_argv, without_proxies
from tests.support.env import ROOT

DEADLINE = 60.0  # seconds any wait below may take before the test gives up (never a speed assertion)


# A terminal's Ctrl-C reaches a process whose SIGINT is at its default; a shell that ran the test suite in the
# background (`make test &`) hands its children SIGINT ignored. A small exec wrapper resets it: `preexec_fn`
# would make subprocess fork() instead of vfork(), and the parent's gRPC threads (the SDK's) then write
# "epoll_wait error" into the child's stderr from their fork handlers.
SIGINT_AS_ON_A_TERMINAL = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
)


class Verify:
    """`python -m ops verify ARGS` with stdout piped and stderr on a pseudo-terminal (or a pipe)."""

    def __init__(self, *args: str, tty: bool = True):
        env = {**without_proxies(), "PYTHONPATH": str(ROOT)}
        self.err_chunks: list[bytes] = []
        master = None
        if tty:
            master, slave = pty.openpty()
            stderr = slave
        else:
            stderr = subprocess.PIPE
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SIGINT_AS_ON_A_TERMINAL, *ops_argv("verify", *args)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        if tty:
            os.close(slave)
            self._reader = threading.Thread(target=self._drain, args=(master,), daemon=True)
            self._reader.start()
        self.tty = tty

    def _drain(self, fd: int) -> None:
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO once the child has exited
                break
            if not chunk:
                break
            self.err_chunks.append(chunk)
        os.close(fd)

    @property
    def err(self) -> str:
        return b"".join(self.err_chunks).decode("utf-8", "replace").replace("\r\n", "\n")

    def wait_for(self, condition, what: str) -> None:
        end = time.monotonic() + DEADLINE
        while not condition():
            if self.proc.poll() is not None:
                pytest.fail(f"verify exited ({self.proc.returncode}) before {what}; stderr:\n{self.err}")
            if time.monotonic() > end:
                self.proc.kill()
                pytest.fail(f"no {what} within {DEADLINE:g} s; stderr:\n{self.err}")
            time.sleep(0.02)

    def finish(self) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=DEADLINE)
        if self.tty:
            self._reader.join(timeout=5)
        else:
            self.err_chunks.append(err)
        return self.proc.returncode, out.decode(), self.err


def test_progress_on_a_terminal_as_each_check_starts_and_ends(make_server):
    server = make_server()
    code, out, err = Verify("--url", server.url, "--samples", "3", "--wait-seconds", "5").finish()
    assert code == 0, out + err
    lines = [line for line in err.splitlines() if line.startswith("verify: ")]
    for name in ("reachable", "health", "latency", "home", "no-5xx"):
        started = next(
            i for i, line in enumerate(lines) if line.startswith(f"verify: {name}: ") and line.endswith("...")
        )
        ended = next(i for i, line in enumerate(lines) if line.startswith(f"verify: {name}: PASS"))
        assert started < ended, name
    assert "verify: latency: 3 requests to" in err
    assert out.rstrip().splitlines()[-1].startswith("PASS")


def test_the_wait_reports_each_attempt(make_server):
    server = make_server(listen=False)  # refuses connections, like a host still deploying
    run = Verify("--url", server.url, "--samples", "2", "--wait-seconds", "30")
    run.wait_for(lambda: "not up yet" in run.err, "progress line while waiting")
    server.start()
    code, _, err = run.finish()
    assert code == 0
    assert "verify: reachable: not up yet (" in err and "attempt 1" in err
    assert "verify: reachable: PASS health answered after" in err


@pytest.mark.parametrize("tty", [False, True], ids=["not-a-tty", "quiet-flag"])
def test_quiet_without_a_terminal_or_with_quiet(make_server, tty):
    server = make_server()
    args = ("--url", server.url, "--samples", "2", "--wait-seconds", "5")
    code, out, err = Verify(*args, *(("--quiet",) if tty else ()), tty=tty).finish()
    assert code == 0
    assert err == ""
    assert "PASS" in out


def test_ctrl_c_during_the_samples_prints_what_finished_and_exits_130(make_server, tmp_path):
    server = make_server(health_delay=0.2)
    report = tmp_path / "report.json"
    run = Verify("--url", server.url, "--samples", "500", "--wait-seconds", "5", "--report", str(report))
    run.wait_for(lambda: server.behaviour.hits.count("/api/health") >= 4, "latency samples")
    run.proc.send_signal(signal.SIGINT)
    code, out, err = run.finish()
    assert code == 130
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()[3:] if line and not line.startswith("CHECK")}
    assert rows["reachable"] == "PASS" and rows["health"] == "PASS"
    assert "latency" not in rows  # it did not finish, so it has no verdict
    assert "INTERRUPTED: interrupted during latency (" in out and " of 500 requests done)" in out
    assert "error: interrupted during latency" in err
    assert "Traceback" not in err
    saved = json.loads(report.read_text())
    assert saved["result"] == "interrupted" and [c["name"] for c in saved["checks"]] == ["reachable", "health"]


def test_ctrl_c_while_waiting_for_the_app(make_server):
    server = make_server(listen=False)
    run = Verify("--url", server.url, "--wait-seconds", "300", "--json")
    run.wait_for(lambda: "attempt 2" in run.err, "a second attempt")
    run.proc.send_signal(signal.SIGINT)
    code, out, err = run.finish()
    assert code == 130
    data = json.loads(out)
    assert data["result"] == "interrupted" and data["checks"] == []
    assert data["error"].startswith("interrupted during reachable (") and "of 300 s)" in data["error"]
    assert "Traceback" not in err


def test_https_against_a_plain_http_server_fails_at_tls_first(make_server):
    server = make_server()
    url = server.url.replace("http://", "https://")
    code, out, err = Verify("--url", url, "--samples", "2", "--wait-seconds", "5", "--json", tty=False).finish()
    assert code == 1, out + err
    checks = json.loads(out)["checks"]
    assert checks[0]["name"] == "tls" and checks[0]["status"] == "fail"
    assert "does not speak TLS on this port" in checks[0]["detail"]
    assert {c["name"]: c["status"] for c in checks[1:]} == {
        "reachable": "skip",
        "health": "skip",
        "latency": "skip",
        "home": "skip",
        "no-5xx": "skip",
    }
    assert server.behaviour.hits == []  # the plain server never got a readable request
