"""The real Pulumi CLI, run against stand-in providers in a throwaway file backend.

`make engine` builds the CLI into `.tools/bin` (tools/engine); a `pulumi` already on PATH is used
as it is. Every run gets an environment of its own: attached to the stand-in providers served from this
process (ops.rehearsal.standin), its own
PULUMI_HOME (no plugin cache, credentials or update checks from the user's), a file backend, a
passphrase secrets provider, the dynamic providers pointed at local fakes of their APIs, and no cloud
credentials at all, so nothing it runs can reach a real account.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ops.rehearsal.standin import attach_variable
from ops.shared.errors import UsageError
from ops.shared.project import ROOT

TOOLS_BIN = ROOT / ".tools" / "bin"
# What a program, provider or pack run by the CLI may see of the caller's environment.
KEPT_VARIABLES = ("HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "TERM", "USER", "SSL_CERT_FILE", "SSL_CERT_DIR")
MISSING_ENGINE = (
    "no Pulumi CLI: run `make engine` (builds it from Go modules; needs Go) or install the Pulumi CLI "
    "(https://www.pulumi.com/docs/iac/download-install/)"
)


class EngineMissing(UsageError):
    """Neither a built CLI nor one on PATH."""


@dataclass(frozen=True)
class Engine:
    cli: Path
    source: str  # "built" (make engine) or "PATH"
    version: str


def locate_engine(environ: dict[str, str] | None = None) -> Engine:
    environ = os.environ if environ is None else environ
    built = TOOLS_BIN / "pulumi"
    if built.is_file() and os.access(built, os.X_OK):
        cli, source = built, "built"
    else:
        found = shutil.which("pulumi", path=environ.get("PATH", ""))
        if not found:
            raise EngineMissing(MISSING_ENGINE)
        cli, source = Path(found), "PATH"
    try:
        version = subprocess.run(
            [str(cli), "version"], capture_output=True, text=True, timeout=60, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise EngineMissing(f"{cli} does not run ({exc.__class__.__name__}); {MISSING_ENGINE}") from None
    return Engine(cli=cli, source=source, version=version)


@dataclass
class Step:
    """One CLI command and what the rehearsal expects of it."""

    name: str
    args: list[str]
    expect_success: bool = True
    exit_code: int | None = None
    seconds: float = 0.0
    output: str = ""
    notes: list[str] = field(default_factory=list)  # why the step is not as expected
    ok: bool = False

    @property
    def reason(self) -> str | None:
        """The CLI's own reason when the command failed (a refusal the rehearsal expects, or not)."""
        return refusal_reason(self.output) if self.exit_code not in (None, 0) else None


# The CLI's closing errors, which say only that something failed, not what.
_GENERIC_ERRORS = ("error: update failed", "error: preview failed", "error: destroy failed", "error: an unhandled")


def refusal_reason(output: str, limit: int = 400) -> str | None:
    """The first sentence of the CLI's first specific `error:` (with its continuation lines), on one line."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        text = line.strip()
        if not text.startswith("error: ") or text.startswith(_GENERIC_ERRORS):
            continue
        parts = [text.removeprefix("error: ")]
        for following in lines[index + 1 : index + 4]:
            if not following.strip() or following.strip().startswith("error:"):
                break
            parts.append(following.strip())
        reason = " ".join(parts).split(". ", 1)[0].rstrip(".") + "."  # its first sentence says why
        return reason if len(reason) <= limit else reason[: limit - 1] + "…"
    return None


def ensure_policy_venv(project: Path, venv: Path) -> None:
    """The pack's `virtualenv: venv`: the project's venv already holds pulumi-policy, so point at it."""
    link = project / "policies" / "venv"
    if not link.exists():
        link.symlink_to(venv.resolve(), target_is_directory=True)


@dataclass
class EngineSession:
    """The CLI in one project directory with one backend, the stand-ins and no real credentials."""

    engine: Engine
    project: Path
    backend: Path
    api_env: dict[str, str]  # where the dynamic providers find their (fake) APIs: see ops.rehearsal.apis
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    venv: Path = field(default_factory=lambda: Path(sys.prefix))
    backend_url: str | None = None  # another backend than the file one in `backend` (e.g. s3://…)

    def __post_init__(self) -> None:
        self.backend.mkdir(parents=True, exist_ok=True)
        self.standins = attach_variable()
        ensure_policy_venv(self.project, self.venv)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in KEPT_VARIABLES}
        path = [str(self.engine.cli.parent), str(self.venv / "bin")]
        path += [p for p in os.environ.get("PATH", "").split(os.pathsep) if p]
        env.update(
            {
                "PATH": os.pathsep.join(path),
                "PULUMI_HOME": str(self.backend / "pulumi-home"),
                "PULUMI_BACKEND_URL": self.backend_url or self.backend.resolve().as_uri(),
                "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
                "PULUMI_SUPPRESS_COPILOT_LINK": "true",
                "NO_COLOR": "1",
                **self.standins,
                **self.api_env,
            }
        )
        return env

    def run(self, args: list[str], timeout: float = 600) -> tuple[int, str, float]:
        """Exit code, combined output and seconds of one CLI command."""
        started = time.monotonic()
        try:
            done = subprocess.run(
                [str(self.engine.cli), *args],
                cwd=self.project,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
            )
            code, output = done.returncode, done.stdout
        except subprocess.TimeoutExpired as exc:
            code, output = 124, f"{exc.output or ''}\n(timed out after {timeout:.0f} s)"
        return code, output, time.monotonic() - started

    def run_step(self, step: Step) -> Step:
        step.exit_code, step.output, step.seconds = self.run(step.args)
        step.ok = (step.exit_code == 0) == step.expect_success
        return step
