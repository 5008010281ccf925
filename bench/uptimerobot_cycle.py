"""Benchmark: one full UptimeRobot create -> read -> update -> delete cycle against the local fake.

Counts the HTTP calls the fake receives, since UptimeRobot's free plan allows 10
requests/minute: every call we save is six seconds of someone's deploy.

    .venv/bin/python bench/uptimerobot_cycle.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pulumi.dynamic import ConfigureRequest  # noqa: E402
from pulumi.dynamic.config import Config  # noqa: E402

from components.uptimerobot import AlertContactProvider, MonitorProvider  # noqa: E402
from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot  # noqa: E402

BENCH_KEY = "bench-key-not-a-secret"


def _configured(cls, fake: FakeUptimeRobot):
    provider = cls()
    config = {
        "uptimerobot:apiKey": BENCH_KEY,
        "uptimerobot:requestsPerMinute": "0",  # measure our calls, not the client-side throttle
    }
    with mock.patch.dict(os.environ, {"UPTIMEROBOT_API_URL": fake.base_url}):  # the API URL: environment only
        provider.configure(ConfigureRequest(Config(config, "kk")))
    return provider


def run_cycle() -> dict:
    """Create a contact and a monitor, read both, update both, delete both; report time and calls."""
    with FakeUptimeRobot(api_key=BENCH_KEY) as fake:
        contacts, monitors = _configured(AlertContactProvider, fake), _configured(MonitorProvider, fake)
        phases: dict[str, int] = {}
        start = time.perf_counter()

        def phase(name: str, before: int) -> None:
            phases[name] = len(fake.calls) - before

        n = len(fake.calls)
        c_in = contacts.check({}, {"name": "ops", "type": "email", "value": "ops@example.com"}).inputs
        contact = contacts.create(c_in)
        m_in = monitors.check(
            {},
            {
                "name": "kk-staging-health",
                "type": "HTTP",
                "url": "https://kk-staging.example.com/healthz",
                "interval": 300,
                "assigned_alert_contacts": [{"alert_contact_id": contact.id, "threshold": 2}],
            },
        ).inputs
        monitor = monitors.create(m_in)
        phase("create", n)

        n = len(fake.calls)
        c_read = contacts.read(contact.id, contact.outs)
        m_read = monitors.read(monitor.id, monitor.outs)
        phase("read", n)

        n = len(fake.calls)
        m_new = monitors.check({}, {**m_in, "interval": 600}).inputs
        c_new = contacts.check({}, {**c_in, "name": "ops-team"}).inputs
        assert monitors.diff(monitor.id, m_read.outs, m_new).changes
        assert contacts.diff(contact.id, c_read.outs, c_new).changes
        m_upd = monitors.update(monitor.id, m_read.outs, m_new)
        c_upd = contacts.update(contact.id, c_read.outs, c_new)
        phase("update", n)

        n = len(fake.calls)
        monitors.delete(monitor.id, m_upd.outs)
        contacts.delete(contact.id, c_upd.outs)
        phase("delete", n)

        wall = time.perf_counter() - start
        assert fake.monitors == {} and fake.contacts == {}, "cycle left objects behind"
        return {
            "wall_seconds": round(wall, 4),
            "http_calls": len(fake.calls),
            "calls_by_phase": phases,
            "calls": [f"{m} {p}" for m, p in fake.calls],
        }


if __name__ == "__main__":
    print(json.dumps(run_cycle(), indent=2))
