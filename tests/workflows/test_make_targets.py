"""`make preview|up|verify` wrap the real Pulumi commands and never apply anything but staging.

A stand-in `pulumi` on PATH records how it was called, so each test can tell
whether Pulumi ran at all and with which stack and policy flags.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make(tool, tmp_path):
    make_bin = tool("make")
    makefile = (ROOT / "Makefile").read_text() if (ROOT / "Makefile").exists() else ""
    if not all(f"\n{target}:" in makefile for target in ("preview", "up", "verify")):
        pytest.fail("the Makefile has no preview/up/verify targets (snippet in the pipeline hand-over)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pulumi.calls"

    def run(*targets: str, pulumi: bool = True, stdout: str = "") -> subprocess.CompletedProcess:
        if pulumi:
            script = bin_dir / "pulumi"
            script.write_text(
                f"#!{sys.executable}\nimport sys\n"
                f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
                f"sys.stdout.write({stdout!r})\n"
            )
            script.chmod(0o755)
        # Only the stand-in's folder: a real pulumi elsewhere on PATH must never be reached.
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env["PATH"] = str(bin_dir)
        return subprocess.run(
            # -o: never rebuild .venv from here; PY: this interpreter, whatever the venv state.
            [make_bin, "--no-print-directory", "-o", ".venv/.installed", f"PY={sys.executable}", *targets],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    run.calls = lambda: log.read_text().splitlines() if log.exists() else []
    return run


@pytest.mark.parametrize("stack", ["production", "prod-eu", "acme/production", ""])
def test_make_up_refuses_any_stack_but_staging_without_calling_pulumi(make, stack):
    proc = make("up", f"STACK={stack}")
    assert proc.returncode != 0
    assert "make up applies only STACK=staging" in proc.stderr
    assert make.calls() == []


def test_make_up_applies_staging_with_the_policy_pack(make):
    proc = make("up")
    assert proc.returncode == 0, proc.stderr
    assert make.calls() == ["up -s staging --policy-pack policies --policy-pack-config policies/config.staging.json"]


def test_make_preview_of_production_is_allowed_with_its_policy_config(make):
    proc = make("preview", "STACK=production")
    assert proc.returncode == 0, proc.stderr
    assert make.calls() == [
        "preview -s production --policy-pack policies --policy-pack-config policies/config.production.json"
    ]


def test_make_preview_of_a_stack_without_policy_config_refuses(make):
    proc = make("preview", "STACK=qa")
    assert proc.returncode != 0
    assert "policies/config.qa.json does not exist" in proc.stderr
    assert make.calls() == []


@pytest.mark.parametrize("target", ["preview", "up"])
def test_without_pulumi_cli_the_targets_say_so(make, target):
    proc = make(target, pulumi=False)
    assert proc.returncode != 0
    assert "the pulumi CLI is not installed" in proc.stderr


def test_make_verify_checks_the_staging_stack_outputs(make):
    class Healthy(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            health = self.path == "/api/health"
            body = b'{"status":"ok"}' if health else b"<!doctype html><html></html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/json" if health else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Healthy)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        proc = make("verify", stdout=json.dumps({"appUrl": url, "healthUrl": f"{url}/api/health"}))
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert make.calls() == ["stack output --json -s staging"]
    assert "PASS" in proc.stdout
