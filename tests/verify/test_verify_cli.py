"""`ops verify` flags, `--stack` through a stand-in pulumi CLI, and `python -m ops verify`."""

from __future__ import annotations

import json

import pytest

from tests.support.commands import run_ops

FAST = ("--samples", "3", "--wait-seconds", "5")


def test_stack_reads_urls_from_stack_outputs(make_server, verify, fake_pulumi):
    server = make_server()
    outputs = {"appUrl": server.url, "healthUrl": f"{server.url}/api/health", "databaseUrl": "[secret]"}
    log = fake_pulumi(json.dumps(outputs))
    run = verify("--stack", "staging", *FAST)
    assert run.code == 0, run.out + run.err
    assert log.read_text() == "stack output --json -s staging\n"
    assert server.url in run.out


def test_stack_without_pulumi_cli_exits_2_naming_the_flag(verify, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    run = verify("--stack", "staging")
    assert run.code == 2
    assert run.err.startswith("error: --stack staging: the pulumi CLI is not on PATH")
    assert "--url" in run.err


def test_stack_output_failure_is_reported_in_one_line(verify, fake_pulumi):
    fake_pulumi(stderr="error: no stack named 'staging' found\n", code=255)
    run = verify("--stack", "staging")
    assert run.code == 2
    assert run.err == "error: --stack staging: `pulumi stack output` failed: error: no stack named 'staging' found\n"


def test_stack_without_app_url_output_exits_2(verify, fake_pulumi):
    fake_pulumi(json.dumps({"healthUrl": "https://x.example/api/health"}))
    run = verify("--stack", "staging")
    assert run.code == 2
    assert "no string output 'appUrl'" in run.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--url", "ftp://example.com"), "--url: expected an http:// or https:// URL"),
        (("--url", "http://127.0.0.1:1", "--samples", "0"), "--samples must be at least 1"),
        (("--url", "http://127.0.0.1:1", "--latency-budget-ms", "-5"), "--latency-budget-ms must be positive"),
        (("--url", "http://127.0.0.1:1", "--ca-file", "/nonexistent/ca.pem"), "--ca-file /nonexistent/ca.pem"),
        (("--url", "http://127.0.0.1:1", "--report", "/nonexistent/dir/r.md"), "--report /nonexistent/dir/r.md"),
    ],
)
def test_usage_errors_exit_2_with_one_line_naming_the_flag(verify, argv, message):
    run = verify(*argv)
    assert run.code == 2
    assert run.err.startswith(f"error: {message}")
    assert run.err.count("\n") == 1 and "Traceback" not in run.err


def test_python_m_ops_verify_end_to_end(make_server, tmp_path):
    """The command as CI runs it: a subprocess, exit code and report file."""
    server = make_server(home_status=500)
    report = tmp_path / "verify-report.md"
    proc = run_ops("verify", "--url", server.url, "--report", str(report), *FAST)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "home" in proc.stdout and "HTTP 500, expected 200" in proc.stdout
    assert "| home | ❌ fail |" in report.read_text()


def test_python_m_ops_verify_usage_error_has_no_traceback(tmp_path):
    proc = run_ops("verify", "--url", "http://127.0.0.1:1", "--samples", "0")
    assert proc.returncode == 2
    assert "--samples must be at least 1" in proc.stderr
    assert "Traceback" not in proc.stderr
