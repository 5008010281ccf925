"""The real engine: one rehearsal per stack for the whole session, its workspace kept for more commands."""

from __future__ import annotations

import secrets

import pytest

from ops.rehearsal.engine import EngineMissing, locate_engine
from ops.rehearsal.lifecycle import Rehearsal
from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot
from tests.conftest import in_ci


@pytest.fixture(scope="session")
def engine():
    try:
        return locate_engine()
    except EngineMissing as exc:
        if in_ci():
            pytest.fail(f"CI must run the engine tests: {exc}")
        pytest.skip(f"engine tests: {exc}")


@pytest.fixture(scope="session")
def uptimerobot_api():
    with FakeUptimeRobot(api_key="UPTIMEROBOTcanary" + secrets.token_hex(8)) as fake:
        yield fake


def _rehearse(engine, stack: str, tmp_path_factory, uptimerobot_api) -> Rehearsal:
    rehearsal = Rehearsal(
        engine, stack, tmp_path_factory.mktemp(f"rehearsal-{stack}"), uptimerobot_api.base_url, uptimerobot_api.api_key
    )
    rehearsal.run()
    return rehearsal


@pytest.fixture(scope="session")
def staging_rehearsal(engine, tmp_path_factory, uptimerobot_api) -> Rehearsal:
    """Staging rehearsed; afterwards its stack stays deployed (on the stand-ins) for further commands."""
    return _rehearse(engine, "staging", tmp_path_factory, uptimerobot_api)


@pytest.fixture(scope="session")
def production_rehearsal(engine, tmp_path_factory, uptimerobot_api) -> Rehearsal:
    return _rehearse(engine, "production", tmp_path_factory, uptimerobot_api)
