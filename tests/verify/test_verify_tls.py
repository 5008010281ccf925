"""`ops verify` against HTTPS servers on 127.0.0.1 with certificates made by openssl."""

from __future__ import annotations

import datetime

FAST = ("--samples", "3", "--wait-seconds", "5", "--json")


def by_name(run) -> dict[str, dict]:
    return {c["name"]: c for c in run.data["checks"]}


def test_trusted_certificate_passes_and_reports_days_left(make_server, verify, certs):
    server = make_server(tls=certs.leaf("good", days=90))
    ca, _ = certs.ca()
    run = verify("--url", server.url, "--ca-file", str(ca), *FAST)
    assert run.code == 0, run.out
    tls = by_name(run)["tls"]
    assert tls["status"] == "pass"
    # 89 or 90 depending on the second the cert was issued.
    assert "expires in 89 days" in tls["detail"] or "expires in 90 days" in tls["detail"]


def test_certificate_close_to_expiry_warns_but_exits_0(make_server, verify, certs):
    server = make_server(tls=certs.leaf("soon", days=10))
    ca, _ = certs.ca()
    run = verify("--url", server.url, "--ca-file", str(ca), *FAST)
    assert run.code == 0
    tls = by_name(run)["tls"]
    assert tls["status"] == "warn"
    assert "renew soon" in tls["detail"]
    assert run.data["result"] == "pass"


def test_self_signed_certificate_fails_against_system_trust_store(make_server, verify, certs):
    server = make_server(tls=certs.self_signed("selfsigned"))
    run = verify("--url", server.url, *FAST)
    assert run.code == 1
    checks = by_name(run)
    assert checks["tls"]["status"] == "fail"
    assert "self-signed certificate" in checks["tls"]["detail"]
    # Nothing is sent to a host whose identity is unproven.
    assert {checks[n]["status"] for n in ("health", "latency", "home", "no-5xx")} == {"skip"}
    assert server.behaviour.hits == []


def test_expired_certificate_fails(make_server, verify, certs):
    last_year = datetime.date.today().year - 1
    server = make_server(tls=certs.leaf("expired", start=f"{last_year}0101000000Z", end=f"{last_year}0201000000Z"))
    ca, _ = certs.ca()
    run = verify("--url", server.url, "--ca-file", str(ca), *FAST)
    assert run.code == 1
    assert by_name(run)["tls"]["detail"] == "certificate not trusted: certificate has expired"


def test_table_shows_tls_warning(make_server, verify, certs):
    server = make_server(tls=certs.leaf("soon-table", days=5))
    ca, _ = certs.ca()
    run = verify("--url", server.url, "--ca-file", str(ca), "--samples", "2")
    assert run.code == 0
    line = next(line for line in run.out.splitlines() if line.startswith("tls"))
    assert "WARN" in line and "expires in 4 days" in line
