"""The Sentry TeamMembership tests' helpers: the canary token, the organization the fake holds, resource
inputs, and the assertion that no form of the token survives in an error."""

from __future__ import annotations

import traceback

TOKEN = "CANARYsentryToken4b2e91"
ORG = "kitchen-kontrol"
TEAM = "kitchen-kontrol-staging"
MEMBERS = {"ana@kitchen-kontrol.dev": ["kitchen-kontrol-production"], "Bo@Kitchen-Kontrol.dev": []}
TEAMS = {"kitchen-kontrol-staging", "kitchen-kontrol-production"}
FRAGMENT = 8  # no run of this many characters of a token may survive anywhere


def props(email: str, team: str = TEAM) -> dict:
    return {"organization": ORG, "team": team, "email": email, "provider_version": "1"}


def assert_no_token(error: BaseException, token: str = TOKEN) -> None:
    """Neither the token nor any 8-character piece of it, raw or escaped, in the error's str, repr or
    traceback (with its chain)."""
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    core = token.encode("unicode_escape").decode()
    pieces = {core[i : i + FRAGMENT] for i in range(len(core) - FRAGMENT + 1)}
    pieces |= {token[i : i + FRAGMENT] for i in range(len(token) - FRAGMENT + 1)}
    for text in texts:
        leaked = sorted(p for p in pieces if p in text)
        assert not leaked, f"token pieces {leaked} leaked into {type(error).__name__}"
