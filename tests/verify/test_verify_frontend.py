"""`ops verify` against the app as it is deployed: an API (server.js, 404 at `/`) and its frontend, the React
build on a static site of its own. Two fake servers on loopback, real sockets."""

from __future__ import annotations

import json

import pytest

FAST = ("--samples", "3", "--wait-seconds", "5")
SPA_PATH = "/kitchen/verify-deep-link"


@pytest.fixture
def api(make_server):
    """What the app's server.js answers: JSON health, 404 at `/` (it serves no HTML)."""
    return make_server(home_status=404, home_body=b'{"error":"Not found"}', home_type="application/json")


@pytest.fixture
def frontend(make_server):
    """The static site: the React build's index.html at `/` and, through the rewrite, at every other path."""
    return make_server(health_status=404, spa_rewrite=True)


def _checks(run) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(run.out)["checks"]}


def test_health_on_the_api_and_the_page_on_the_frontend(api, frontend, verify):
    run = verify("--url", api.url, "--frontend-url", frontend.url, "--json", *FAST)
    assert run.code == 0, run.out + run.err
    checks = _checks(run)
    assert checks["health"]["status"] == "pass"
    assert checks["home"]["status"] == "pass" and frontend.url in checks["home"]["detail"]
    assert checks["spa-route"]["status"] == "pass"
    assert json.loads(run.out)["frontend_url"] == frontend.url
    assert "/" not in api.behaviour.hits and set(api.behaviour.hits) == {"/api/health"}
    assert frontend.behaviour.hits == ["/", SPA_PATH]


def test_the_api_alone_has_no_page_to_show(api, verify):
    # The finding: server.js is an API only, so without the frontend the home check fails.
    run = verify("--url", api.url, "--json", *FAST)
    assert run.code == 1
    checks = _checks(run)
    assert checks["home"]["status"] == "fail" and "HTTP 404, expected 200" in checks["home"]["detail"]
    assert "spa-route" not in checks


def test_a_site_without_the_rewrite_fails_the_spa_route(api, make_server, verify):
    frontend = make_server(spa_rewrite=False)
    run = verify("--url", api.url, "--frontend-url", frontend.url, *FAST)
    assert run.code == 1
    line = next(line for line in run.out.splitlines() if line.startswith("spa-route"))
    assert "FAIL" in line and "HTTP 404" in line and "/* -> /index.html rewrite" in line


def test_the_apis_credentials_never_reach_the_frontend(make_server, frontend, verify):
    api = make_server(
        userinfo="kk:CANARYpass9@", basic_auth="kk:CANARYpass9", home_status=404, home_body=b"{}", home_type="x/y"
    )
    run = verify("--url", api.url, "--frontend-url", frontend.url, *FAST)
    assert run.code == 0, run.out + run.err
    assert set(frontend.behaviour.auth_headers) == {None}
    assert "CANARYpass9" not in run.out + run.err


def test_stack_reads_the_frontend_url_output(api, frontend, verify, fake_pulumi):
    outputs = {"appUrl": api.url, "healthUrl": f"{api.url}/api/health", "frontendUrl": frontend.url}
    fake_pulumi(json.dumps(outputs))
    run = verify("--stack", "staging", *FAST)
    assert run.code == 0, run.out + run.err
    assert f"frontend {frontend.url}" in run.out.splitlines()[0]
    assert frontend.behaviour.hits == ["/", SPA_PATH]


def test_frontend_url_needs_url(verify, fake_pulumi):
    fake_pulumi("{}")
    run = verify("--stack", "staging", "--frontend-url", "https://kk-frontend.onrender.com")
    assert run.code == 2
    assert run.err == (
        "error: --frontend-url goes with --url (with --stack the frontend is the stack's frontendUrl output)\n"
    )


def test_a_bad_frontend_url_is_named(api, verify):
    run = verify("--url", api.url, "--frontend-url", "ftp://kk-frontend", *FAST)
    assert run.code == 2
    assert run.err.startswith("error: --frontend-url: expected an http:// or https:// URL with a host")
