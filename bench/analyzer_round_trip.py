"""`make bench`: the policy pack's Analyze round trip, one representative resource many times."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from ops.analyzer.client import DEFAULT_PACK_DIR, PolicyAnalyzer
from ops.analyzer.wire import SECRET_SIG, SECRET_SIG_KEY, ResourceRecord


@dataclass(frozen=True)
class BenchResult:
    resources: int
    sequential_seconds: float
    pipelined_seconds: float
    startup_seconds: float

    @property
    def ms_per_resource(self) -> float:
        """Per resource as ``ops plan`` sends them (``analyze_many``)."""
        return 1000 * self.pipelined_seconds / self.resources

    @property
    def sequential_ms_per_resource(self) -> float:
        """Per resource for one blocking ``analyze`` call at a time (a full round trip)."""
        return 1000 * self.sequential_seconds / self.resources


BENCH_RECORD = ResourceRecord(
    urn="urn:pulumi:staging::kitchen-kontrol::aws:rds/instance:Instance::bench-db",
    type="aws:rds/instance:Instance",
    name="bench-db",
    inputs={
        "engine": "postgres",
        "instanceClass": "db.t4g.micro",
        "storageEncrypted": True,
        "backupRetentionPeriod": 7,
        "skipFinalSnapshot": False,
        "finalSnapshotIdentifier": "bench-db-final",
        "deletionProtection": True,
        "parameterGroupName": "bench-pg",
        "password": {SECRET_SIG_KEY: SECRET_SIG, "value": "bench-password"},
        "tags": {"project": "kitchen-kontrol", "environment": "staging", "managed-by": "pulumi"},
    },
)


def bench_round_trip(
    n: int = 500,
    *,
    python: str | None = None,
    pack_dir: str | os.PathLike[str] = DEFAULT_PACK_DIR,
    analyzer: PolicyAnalyzer | None = None,
) -> BenchResult:
    """Time ``n`` Analyze calls of a representative RDS instance through the real pack.

    Starts its own pack (staging, update) unless a running ``analyzer`` is given.
    """
    started = time.perf_counter()
    pack = analyzer or PolicyAnalyzer(
        project="kitchen-kontrol", stack="staging", dry_run=False, python=python, pack_dir=pack_dir
    )
    try:
        pack.analyze(BENCH_RECORD)  # connect and warm up
        startup = time.perf_counter() - started
        began = time.perf_counter()
        for _ in range(n):
            pack.analyze(BENCH_RECORD)
        sequential = time.perf_counter() - began
        began = time.perf_counter()
        pack.analyze_many([BENCH_RECORD] * n)
        pipelined = time.perf_counter() - began
    finally:
        if analyzer is None:
            pack.close()
    return BenchResult(n, sequential, pipelined, startup)
