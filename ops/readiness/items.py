"""The judgements of `ops readiness`, in the order the report lists them: one item per question, ✅ only with
evidence, the reason when not. Each group's items live in their own module."""

from __future__ import annotations

from pathlib import Path

from ops.readiness.alerting import alerting_items
from ops.readiness.config import configuration_items, guardrail_items
from ops.readiness.model import Evidence, Item
from ops.readiness.reports import rehearsal_item, restore_item, verify_item
from ops.readiness.resources import resource_items
from ops.readiness.workflows import workflows_item


def assess(
    evidence: Evidence,
    *,
    verify_report: Path | None = None,
    rehearsal_report: Path | None = None,
    restore_report: Path | None = None,
) -> list[Item]:
    return [
        *configuration_items(evidence),
        *guardrail_items(evidence),
        *resource_items(evidence),
        restore_item(evidence.stack, restore_report or rehearsal_report),
        *alerting_items(evidence),
        verify_item(evidence.stack, verify_report),
        rehearsal_item(evidence.stack, rehearsal_report),
        workflows_item(evidence.root),
    ]
