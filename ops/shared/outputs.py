"""A stack's outputs, read through the pulumi CLI: `pulumi stack output --json -s STACK`.

Never with `--show-secrets`: secret outputs come back as "[secret]" and are dropped here, so no
caller can print one. Only the plain outputs the program exports are kept (`PLAIN_OUTPUTS`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ops.shared.project import ROOT

# What stacks/environment.py exports in plain text; `databaseUrl` and `sentryDsn` are secrets.
PLAIN_OUTPUTS = (
    "appUrl",
    "healthUrl",
    "databaseEndpoint",
    "databaseInstance",
    "renderServiceId",
    "renderDashboardUrl",
    "sentryProjectUrl",
    "uptimeMonitorId",
    "uptimeDashboardUrl",
    "alarmTopicArn",
)
SECRET_MARKER = "[secret]"  # noqa: S105 - what the CLI prints in place of a secret
TIMEOUT_SECONDS = 120
_USERINFO = re.compile(r"(?i)\b(https?://)[^/@\s]+@")


class OutputsUnavailable(Exception):
    """The CLI could not give the outputs; the message says why, in one line, without values."""


@dataclass(frozen=True)
class StackOutputs:
    """Plain outputs when they could be read, else an empty mapping and the reason."""

    stack: str
    values: dict[str, str] = field(default_factory=dict)
    reason: str | None = None  # None when the CLI answered

    @property
    def read(self) -> bool:
        return self.reason is None

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def redact(text: str) -> str:
    """Replace the userinfo of any URL in `text` with ***."""
    return _USERINFO.sub(r"\1***@", text)


def query(stack: str, root: Path = ROOT, timeout: float = TIMEOUT_SECONDS) -> dict:
    """Every output as JSON from the CLI (secrets as "[secret]"); raises OutputsUnavailable."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise OutputsUnavailable("the pulumi CLI is not on PATH, so the stack outputs cannot be read")
    try:
        proc = subprocess.run(
            [pulumi, "stack", "output", "--json", "-s", stack],
            cwd=root,
            stdin=subprocess.DEVNULL,  # a passphrase prompt must fail, not hang
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OutputsUnavailable(f"`pulumi stack output` did not answer within {timeout:g} s") from None
    except OSError as exc:
        raise OutputsUnavailable(f"cannot run the pulumi CLI: {exc.strerror}") from None
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        reason = redact(lines[-1].strip()) if lines else f"exit code {proc.returncode}"
        raise OutputsUnavailable(f"`pulumi stack output` failed: {reason}")
    try:
        outputs = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise OutputsUnavailable("`pulumi stack output --json` did not print JSON") from None
    if not isinstance(outputs, dict):
        raise OutputsUnavailable("the stack outputs are not a JSON object")
    return outputs


def read(stack: str, root: Path = ROOT, timeout: float = TIMEOUT_SECONDS) -> StackOutputs:
    """The plain outputs, or none and the reason; never raises for a missing CLI or stack."""
    try:
        outputs = query(stack, root, timeout)
    except OutputsUnavailable as exc:
        return StackOutputs(stack, reason=str(exc))
    values = {}
    for name in PLAIN_OUTPUTS:
        value = outputs.get(name)
        # A secret-marked or non-text value is not shown; a URL keeps no credentials.
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) not in ("", SECRET_MARKER):
            values[name] = redact(str(value))
    return StackOutputs(stack, values)
