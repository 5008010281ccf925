"""Fixtures for the Render notification override: the stateful Render fake (ops/rehearsal/render_fake.py)
on loopback and the environment pointing at it, with a canary API key and short timeouts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ops.rehearsal.render_fake import FakeRender

KEY = "CANARYrenderKey7c1d55e0"
SERVICE = "srv-kkstaging0001"


@pytest.fixture(autouse=True)
def _render_environment(monkeypatch):
    # A developer's real key or URL must never reach a test.
    for name in ("RENDER_APIKEY", "RENDER_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RENDER_REQUEST_TIMEOUT", "0.5")
    monkeypatch.setenv("RENDER_RETRY_TIMEOUT", "10")


@pytest.fixture
def render(monkeypatch) -> Iterator[FakeRender]:
    with FakeRender(KEY, {SERVICE}) as server:
        monkeypatch.setenv("RENDER_APIKEY", KEY)
        monkeypatch.setenv("RENDER_API_URL", server.base_url)
        yield server
