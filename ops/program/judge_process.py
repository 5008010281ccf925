"""The plan's policy judge in a process of its own, so the pack's gRPC traffic never takes the GIL from
the program: `JudgeProcess` (in `ops plan`) hands each registration down a pipe as the program makes
it; the worker (`python -m ops.program.judge_process`) runs the pack and the `Judge` and answers with
the verdicts. The pack is driven over its real Analyzer protocol, by the worker instead of the plan.

Frames are pickles both ways (the two ends are this module, one version): ("start", settings),
("send", Registration), ("verdicts", None) down; one ("ok", ...) or (error kind, message) up.
End of input ends the worker, which closes the pack first.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from ops.analyzer import PACK_ENVIRONMENT
from ops.shared.errors import Failure, UsageError
from ops.shared.project import ROOT, StackConfig
from ops.shared.redact import redact_text
from ops.shared.stderr_file import start_with_stderr_file, stderr_tail

_WORKER = "ops.program.judge_process"
_ERROR_LIMIT = 2000  # characters of the worker's stderr quoted in a Failure
_ANSWER_TIMEOUT = 300.0  # seconds; the pack's own calls time out after 60 s each


class JudgeProcess:
    """The plan's side: start the worker (it starts the pack), `send` registrations, read `verdicts`."""

    def __init__(
        self,
        config: StackConfig,
        preview: bool,
        policy_config: Path,
        stack_urn: str,
        fingerprints: frozenset[str] = frozenset(),
    ) -> None:
        self.config, self.fingerprints = config, fingerprints
        self._lock = threading.Lock()
        self._error: str | None = None
        self._answered = False
        try:
            self._proc, self._stderr = start_with_stderr_file(
                [sys.executable, "-m", _WORKER],
                cwd=ROOT,
                env=_worker_environment(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError as exc:
            raise Failure(f"policy pack: cannot start its judge with {sys.executable}: {exc.strerror}") from None
        settings = {"config": config, "preview": preview, "policy_config": policy_config, "stack_urn": stack_urn}
        self._write(("start", settings))

    def send(self, registration: Any) -> None:
        """Hand one registration to the worker (called on the SDK's threads); never raises into the program."""
        self._write(("send", registration))

    def verdicts(self) -> tuple[list[Any], str, list[dict[str, Any]], frozenset[str]]:
        """(diagnostics, pack, rules, fingerprints) of everything `send` was handed; UsageError or Failure as the
        pack said."""
        self._write(("verdicts", None))
        if self._error is None:
            # The worker's own calls to the pack time out (ops/analyzer/client.py); this is for a worker that hangs.
            if not select.select([self._proc.stdout], [], [], _ANSWER_TIMEOUT)[0]:
                self._proc.kill()
                raise Failure(f"policy pack: its judge did not answer within {_ANSWER_TIMEOUT:g}s")
            try:
                reply = pickle.load(self._proc.stdout)  # noqa: S301 - our own worker, over its own pipe
            except (EOFError, pickle.UnpicklingError, OSError):
                reply = None
            if reply is not None:
                kind, *payload = reply
                self._answered = True
                if kind == "ok":
                    return tuple(payload)  # type: ignore[return-value]
                raise (UsageError if kind == "usage" else Failure)(payload[0])
        raise Failure(f"policy pack: its judge stopped (code {self._ended()}){self._stderr_tail()}")

    def close(self) -> None:
        """End the worker: end of its input makes it close the pack and exit. Once it has answered it does
        so on its own (the plan does not wait for the pack to end); otherwise wait, then kill."""
        proc = self._proc
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if not self._answered:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self._stderr.close()

    def _write(self, frame: tuple[str, Any]) -> None:
        data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._error is not None:
                return
            try:
                self._proc.stdin.write(data)
                self._proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError) as exc:
                self._error = type(exc).__name__

    def _ended(self) -> int | None:
        try:
            return self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def _stderr_tail(self) -> str:
        secrets = [v for k, v in self.config.config.items() if k in self.config.secret_keys]
        tail = stderr_tail(self._stderr)
        text = redact_text(tail, secrets=secrets, fingerprints=self.fingerprints, limit=_ERROR_LIMIT).strip()
        return f":\n{text}" if text else ""


def _worker_environment() -> dict[str, str]:
    # The pack's (it judges values and never calls a cloud): no credential of the calling shell.
    names = (*PACK_ENVIRONMENT, "PYTHONPATH")
    return {k: v for k, v in os.environ.items() if k in names}


def main() -> int:
    """The worker: frames from stdin, one reply on the real stdout (stray prints go to stderr)."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inbox = sys.stdin.buffer
    _, settings = pickle.load(inbox)  # noqa: S301 - only the plan that started this worker writes here
    pack = judge = None
    try:
        # Here, not at the top: the plan's process imports this module without the gRPC stack's share.
        from ops.program import pack as plan_pack

        config: StackConfig = settings["config"]
        pack = plan_pack.start_pack(config, settings["preview"], settings["policy_config"])
        judge = plan_pack.Judge(pack, config, settings["stack_urn"])
        judge.start()
        while True:
            try:
                kind, payload = pickle.load(inbox)  # noqa: S301 - as above
            except EOFError:  # the plan ended without asking (it failed): nothing to answer
                return 0
            if kind == "send":
                judge.send(payload)
            elif kind == "verdicts":
                diagnostics = judge.verdicts()
                name, rules = plan_pack.rules(pack)
                _answer(replies, ("ok", diagnostics, name, rules, plan_pack.fingerprints(pack)))
                return 0
    except UsageError as exc:
        _answer(replies, ("usage", str(exc)))
    except Failure as exc:
        _answer(replies, ("failure", str(exc)))
    finally:  # after the answer: the plan does not wait for the pack to end
        if pack is not None:
            pack.close()
        if judge is not None:
            judge.stop()
    return 0


def _answer(replies: IO[bytes], reply: tuple[Any, ...]) -> None:
    pickle.dump(reply, replies, protocol=pickle.HIGHEST_PROTOCOL)
    replies.flush()


if __name__ == "__main__":
    code = main()
    # The pack is closed and the reply flushed: skip the interpreter's teardown of the gRPC stack (~60 ms),
    # which would only keep the plan's second core busy.
    os._exit(code)
