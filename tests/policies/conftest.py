"""Fixtures for the policy pack: the real pack over gRPC (cases and baselines: tests/support/policy.py).

The pack processes are started once per session, one per (stack, dry_run), all at once
(``start()`` does not wait), because the stack and dry-run come from the process env.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ops.analyzer.client import PolicyAnalyzer
from ops.analyzer.wire import Diagnostic, ProviderRecord, ResourceRecord
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
        yield started
    finally:
        for pack in started.values():
            pack.close()


@pytest.fixture
def analyze(packs: dict[tuple[str, bool], PolicyAnalyzer]) -> Iterator[Analyze]:
    """analyze(type, props, *, stack="staging", dry_run=False, config=None, check="pack", provider=None, policy=None).

    Runs one Analyze through the real pack and returns its diagnostics (for ``policy`` only
    when given).  A ``config`` other than the staging one is restored afterwards; ``check``
    is how strictly the client vets it first (``ops.analyzer.config.reconcile_policy_config``).
    """
    touched: set[tuple[str, bool]] = set()

    def run(
        resource_type: str,
        props: dict[str, Any],
        *,
        stack: str = "staging",
        dry_run: bool = False,
        config: dict[str, Any] | None = None,
        check: str = "pack",
        provider: ProviderRecord | None = None,
        policy: str | None = None,
        name: str = "r",
    ) -> list[Diagnostic]:
        pack = packs[(stack, dry_run)]
        if config is not None:
            touched.add((stack, dry_run))
            pack.configure(config, check=check)
        record = ResourceRecord(
            urn=f"urn:pulumi:{stack}::kitchen-kontrol::{resource_type}::{name}",
            type=resource_type,
            name=name,
            inputs=props,
            provider=provider,
        )
        diagnostics = pack.analyze(record)
        return [d for d in diagnostics if policy is None or d.policy_name == policy]

    yield run
    for key in touched:
        packs[key].configure(CANARY_POLICY_CONFIG)
