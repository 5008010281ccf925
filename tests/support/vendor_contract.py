"""Holding a fake's traffic to the vendor's OpenAPI subset (ops/rehearsal/vendor_contract.py), and sending it
requests our clients never would, over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from ops.rehearsal.fake_http import FakeApi


def answers_off_contract(fake: FakeApi) -> list[str]:
    """Every answer the fake sent that the vendor's document does not allow (empty: all conform)."""
    assert fake.spec is not None
    problems = []
    for method, path, status, payload in fake.answered:
        problems += fake.spec.response_problems(method, path, status, payload)
    return problems


def raw_request(
    fake: FakeApi, method: str, path: str, body: Any = None, *, content_type: str = "application/json"
) -> tuple[int, dict]:
    """(status, JSON answer) of a request sent as-is with the fake's own credential."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(f"{fake.origin}{path}", data=data, method=method)  # noqa: S310 - loopback
    request.add_header("Authorization", f"Bearer {fake.credential}")
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:  # noqa: S310 - loopback
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")
