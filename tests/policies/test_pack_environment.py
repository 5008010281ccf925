"""The pack runs with none of the credentials of whoever starts it (issue 29): the Pulumi CLI hands a policy
pack its whole environment, so the pack starts itself again without them (policies/rules/_environment.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.env import ROOT

CANARIES = {
    "AWS_SECRET_ACCESS_KEY": "CANARYawsSecret9c1d7e",  # pragma: allowlist secret
    "RENDER_APIKEY": "CANARYrenderKey4b8a21",  # pragma: allowlist secret
    "SENTRY_AUTH_TOKEN": "CANARYsentryTok3e6f90",  # pragma: allowlist secret
}


def test_the_pack_started_as_the_cli_starts_it_holds_no_credential_in_its_environment():
    env = {**os.environ, **CANARIES, "PULUMI_PROJECT": "kitchen-kontrol", "PULUMI_STACK": "staging"}
    env["PULUMI_DRY_RUN"] = "true"
    # What the CLI's language host runs: the pack's interpreter, `-m pulumi.policy ADDR DIR`, in the pack's folder.
    pack = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(ROOT / "policies")],
        cwd=ROOT / "policies",
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        port = pack.stdout.readline().strip()  # the pack serves: the restart is behind it
        assert port.isdigit(), pack.stderr.read()[-2000:]
        environ = Path(f"/proc/{pack.pid}/environ").read_bytes()  # the same process, after the exec
        for name, canary in CANARIES.items():
            assert canary.encode() not in environ and f"{name}=".encode() not in environ
        assert b"PULUMI_STACK=staging" in environ
    finally:
        pack.kill()
        pack.wait(timeout=30)
