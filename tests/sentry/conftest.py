"""Fixtures for TeamMembership: the stateful Sentry fake (ops/rehearsal/sentry_fake.py) on loopback, the
environment pointing at it, short timeouts so a hostile answer costs a second, not thirty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ops.rehearsal.sentry_fake import FakeSentry
from tests.support.sentry import MEMBERS, ORG, TEAMS, TOKEN


@pytest.fixture(autouse=True)
def _sentry_environment(monkeypatch):
    # A developer's real token, URL or timeouts must never reach a test.
    for name in ("SENTRY_AUTH_TOKEN", "SENTRY_TOKEN", "SENTRY_BASE_URL", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SENTRY_REQUEST_TIMEOUT", "0.5")
    monkeypatch.setenv("SENTRY_RETRY_TIMEOUT", "10")


@pytest.fixture
def fake(monkeypatch) -> Iterator[FakeSentry]:
    with FakeSentry(TOKEN, ORG, MEMBERS, set(TEAMS)) as server:
        monkeypatch.setenv("SENTRY_AUTH_TOKEN", TOKEN)
        monkeypatch.setenv("SENTRY_BASE_URL", server.base_url)
        yield server
