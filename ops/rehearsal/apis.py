"""The SaaS APIs the program's own dynamic providers call, as local fakes for the rehearsal:
UptimeRobot (monitor, alert contacts), Sentry (team membership) and Render (the service's
notification override). Loopback only, random keys."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ops.rehearsal.render_fake import FakeRender
from ops.rehearsal.sentry_fake import FakeSentry
from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot
from ops.shared.project import load_stack_config

_EMAIL = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True)
class LocalApis:
    uptimerobot: FakeUptimeRobot
    sentry: FakeSentry
    render: FakeRender

    @property
    def env(self) -> dict[str, str]:
        """What the dynamic providers read from the environment (never from stack config)."""
        return {
            "UPTIMEROBOT_API_URL": self.uptimerobot.base_url,
            "UPTIMEROBOT_API_KEY": self.uptimerobot.api_key,
            "SENTRY_AUTH_TOKEN": self.sentry.token,
            "SENTRY_BASE_URL": self.sentry.base_url,
            # The stand-in Render provider ignores it; the notification override's provider calls the fake.
            "RENDER_APIKEY": self.render.api_key,
            "RENDER_API_URL": self.render.base_url,
        }

    def saved(self) -> SavedApis:
        """What the fakes hold now: a deployed stack's SaaS side, for `local_apis(..., holding=)` to copy."""
        return SavedApis(self.uptimerobot.saved(), self.sentry.saved(), self.render.saved())


@dataclass(frozen=True)
class SavedApis:
    """Each fake's `saved()`: monitors, contacts and integrations; members and teams; notification overrides."""

    uptimerobot: dict[str, Any]
    sentry: dict[str, Any]
    render: dict[str, Any]


@contextmanager
def local_apis(stack: str, contacts: list[str], holding: SavedApis | None = None) -> Iterator[LocalApis]:
    """Fakes for `stack`: the on-call `contacts` ("role: Name <email>") are members of the stack's
    Sentry organization, as they must be before a real `up`. `holding`: fakes that hold a copy of what other
    fakes held (their `saved()`), with keys of their own (the providers read them from the environment)."""
    config = load_stack_config(stack).config
    organization = config.get("kitchen-kontrol:sentryOrganization", "")
    emails = {match.group(1): [] for contact in contacts if (match := _EMAIL.search(contact))}
    sentry = FakeSentry("sentry" + secrets.token_hex(16), organization, emails, teams=None)
    render = FakeRender("rnd_" + secrets.token_hex(16))
    uptimerobot = FakeUptimeRobot(api_key=secrets.token_hex(16))
    if holding is not None:
        uptimerobot.holding(holding.uptimerobot)
        sentry.holding(holding.sentry)
        render.holding(holding.render)
    with uptimerobot, sentry, render:
        yield LocalApis(uptimerobot=uptimerobot, sentry=sentry, render=render)
