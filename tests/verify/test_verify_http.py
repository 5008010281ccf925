"""`ops verify --url` against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import threading

FAST = ("--samples", "5", "--wait-seconds", "5")


def statuses(run) -> dict[str, str]:
    return {c["name"]: c["status"] for c in run.data["checks"]}


def test_healthy_app_passes_every_check(make_server, verify):
    server = make_server()
    run = verify("--url", server.url, "--json", *FAST)
    assert run.code == 0, run.out
    assert statuses(run) == {"reachable": "pass", "health": "pass", "latency": "pass", "home": "pass", "no-5xx": "pass"}
    assert run.data["result"] == "pass"


def test_table_names_every_check_and_the_verdict(make_server, verify):
    run = verify("--url", make_server().url, *FAST)
    assert run.code == 0
    for name in ("health", "latency", "home", "no-5xx"):
        assert name in run.out
    assert run.out.rstrip().splitlines()[-1].startswith("PASS (5 passed)")


def test_slow_health_fails_latency_budget(make_server, verify):
    # 300 ms per answer against a 50 ms budget: a clear miss even on a busy CI runner.
    server = make_server(health_delay=0.3)
    run = verify("--url", server.url, "--json", "--latency-budget-ms", "50", "--samples", "3")
    assert run.code == 1
    checks = {c["name"]: c for c in run.data["checks"]}
    assert checks["latency"]["status"] == "fail"
    assert "budget 50 ms" in checks["latency"]["detail"]
    assert checks["health"]["status"] == "pass"


def test_flapping_instance_fails_no_5xx(make_server, verify):
    server = make_server(fail_every=3)
    run = verify("--url", server.url, "--json", "--samples", "9")
    assert run.code == 1
    checks = {c["name"]: c for c in run.data["checks"]}
    assert checks["no-5xx"]["status"] == "fail"
    assert "500" in checks["no-5xx"]["detail"]


def test_health_500_fails_without_waiting_for_the_deadline(make_server, verify):
    server = make_server(health_status=500)
    run = verify("--url", server.url, "--json", "--samples", "2", "--wait-seconds", "120")
    # A 500 comes from the app itself, so it is judged at once rather than waited out.
    assert run.code == 1
    checks = {c["name"]: c for c in run.data["checks"]}
    assert checks["health"] == {"name": "health", "status": "fail", "detail": "HTTP 500, expected 200"}
    assert checks["no-5xx"]["status"] == "fail"


def test_wrong_health_json_fails_health(make_server, verify):
    server = make_server(health_body=b'{"status":"degraded"}')
    run = verify("--url", server.url, "--json", *FAST)
    assert run.code == 1
    detail = {c["name"]: c["detail"] for c in run.data["checks"]}["health"]
    assert '"degraded"' in detail and '"ok"' in detail


def test_health_body_not_json_fails_health(make_server, verify):
    server = make_server(health_body=b"OK", health_type="text/plain")
    run = verify("--url", server.url, "--json", *FAST)
    assert run.code == 1
    assert {c["name"]: c["detail"] for c in run.data["checks"]}["health"] == "HTTP 200 but the body is not JSON"


def test_home_without_doctype_fails(make_server, verify):
    server = make_server(home_body=b"<html><body>hi</body></html>")
    run = verify("--url", server.url, "--json", *FAST)
    assert run.code == 1
    home = {c["name"]: c for c in run.data["checks"]}["home"]
    assert home["status"] == "fail" and "doctype" in home["detail"]


def test_home_with_wrong_content_type_fails(make_server, verify):
    server = make_server(home_type="application/json")
    run = verify("--url", server.url, "--json", *FAST)
    assert run.code == 1
    home = {c["name"]: c for c in run.data["checks"]}["home"]
    assert "'application/json', expected text/html" in home["detail"]


def test_custom_health_path(make_server, verify):
    server = make_server()
    run = verify("--url", server.url, "--health-path", "/nope", "--json", *FAST)
    assert run.code == 1
    assert {c["name"]: c["detail"] for c in run.data["checks"]}["health"] == "HTTP 404, expected 200"
    assert server.behaviour.hits[0] == "/nope"


def test_late_server_is_waited_for(make_server, verify):
    server = make_server(listen=False)
    timer = threading.Timer(1.5, server.start)
    timer.start()
    try:
        run = verify("--url", server.url, "--json", "--samples", "3", "--wait-seconds", "60")
    finally:
        timer.cancel()
    assert run.code == 0, run.out
    reachable = run.data["checks"][0]
    assert reachable["name"] == "reachable"
    assert "attempts" in reachable["detail"] and not reachable["detail"].endswith("(1 attempt)")


def test_server_that_never_comes_up_exits_2_with_reason(make_server, verify, tmp_path):
    server = make_server(listen=False)
    report = tmp_path / "report.md"
    run = verify("--url", server.url, "--wait-seconds", "1", "--report", str(report))
    assert run.code == 2
    assert "did not come up within 1 s" in run.err
    assert "refused" in run.err.lower()
    # The report still exists, so a CI artifact explains the red job.
    assert "UNREACHABLE" in report.read_text()


def test_markdown_report_lists_date_url_and_each_check(make_server, verify, tmp_path):
    server = make_server(home_body=b"plain")
    report = tmp_path / "verify-report.md"
    run = verify("--url", server.url, "--report", str(report), *FAST)
    assert run.code == 1
    text = report.read_text()
    assert f"**URL:** {server.url}" in text
    assert "**Date:** 20" in text
    assert "| health | ✅ pass |" in text
    assert "| home | ❌ fail |" in text
    assert "**Result:** FAIL" in text


def test_credentials_in_url_are_used_but_never_printed(make_server, verify, tmp_path):
    server = make_server(basic_auth="admin:s3cr3t-pw", userinfo="admin:s3cr3t-pw@")
    report = tmp_path / "r.md"
    for extra in ((), ("--json",)):
        run = verify("--url", server.url, "--report", str(report), *FAST, *extra)
        # The server answers 401 without the Basic header, so passing proves it was sent.
        assert run.code == 0, run.out
        for text in (run.out, run.err, report.read_text()):
            assert "s3cr3t" not in text
            assert "admin" not in text
        assert "://***@127.0.0.1" in run.out


def test_credentials_are_not_forwarded_on_a_redirect_to_another_host(make_server, verify):
    other = make_server()
    # "localhost" is another host name than 127.0.0.1, as far as credentials go.
    app = make_server(redirect_home_to=other.url.replace("127.0.0.1", "localhost") + "/", userinfo="u:pw@")
    run = verify("--url", app.url, *FAST)
    assert run.code == 0, run.out
    assert other.behaviour.hits == ["/"]
    assert other.behaviour.auth_headers == [None]
    assert all(h is not None for h in app.behaviour.auth_headers)


def test_credentials_are_not_forwarded_on_a_redirect_to_another_port_of_the_same_host(make_server, verify):
    other = make_server()  # 127.0.0.1 as well, another port: another origin
    app = make_server(redirect_home_to=other.url + "/", userinfo="u:pw@")
    run = verify("--url", app.url, *FAST)
    assert run.code == 0, run.out
    assert other.behaviour.auth_headers == [None]


def test_credentials_follow_a_redirect_within_the_same_origin(make_server, verify):
    app = make_server(basic_auth="u:pw", userinfo="u:pw@")
    app.behaviour.redirect_home_to = app.url.replace("u:pw@", "") + "/api/health"
    verify("--url", app.url, "--json", *FAST)
    assert app.behaviour.hits.count("/api/health") >= 2  # the health check, and the redirected home page
    assert all(h is not None for h in app.behaviour.auth_headers)


def test_unreachable_message_redacts_credentials(make_server, verify):
    server = make_server(listen=False, userinfo="ops:hunter2@")
    run = verify("--url", server.url, "--wait-seconds", "0", "--json")
    assert run.code == 2
    assert "hunter2" not in run.out + run.err
    assert run.data["result"] == "unreachable"
