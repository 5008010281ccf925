"""Fixtures for the policy pack: the real pack over gRPC (cases and baselines: tests/support/policy.py).

The pack processes are started once per session, one per (stack, dry_run), all at once
(``start()`` does not wait), because the stack and dry-run come from the process env, then connected.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ops.analyzer.client import PolicyAnalyzer
from tests.support.policy import CANARY_DB_PASSWORD, CANARY_POLICY_CONFIG, Analyze

PACK_KEYS = (("staging", False), ("staging", True), ("production", False), ("production", True))


@pytest.fixture(scope="session")
def packs() -> Iterator[dict[tuple[str, bool], PolicyAnalyzer]]:
    started: dict[tuple[str, bool], PolicyAnalyzer] = {}
    try:
        for stack, dry_run in PACK_KEYS:
            started[(stack, dry_run)] = PolicyAnalyzer(
                project="kitchen-kontrol",
                stack=stack,
                dry_run=dry_run,
                policy_config=CANARY_POLICY_CONFIG,
                program_config={"kitchen-kontrol:dbPassword": CANARY_DB_PASSWORD},
                config_secret_keys=["kitchen-kontrol:dbPassword"],
            ).start()
        for pack in started.values():
            pack.info()  # connected: tests may read the raw GetAnalyzerInfo answer (`_info`) in any order
        yield started
    finally:
        for pack in started.values():
            pack.close()


@pytest.fixture
def analyze(packs: dict[tuple[str, bool], PolicyAnalyzer]) -> Iterator[Analyze]:
    run = Analyze(packs)
    yield run
    for key in run.touched:
        packs[key].configure(CANARY_POLICY_CONFIG)
