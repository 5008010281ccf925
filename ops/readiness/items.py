"""The judgements of `ops readiness`, in the order the report lists them: one item per question, ✅ only with
evidence, the reason when not. Each group's items live in their own module."""

from __future__ import annotations

from dataclasses import replace
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
    items = [
        *configuration_items(evidence),
        *guardrail_items(evidence),
        *resource_items(evidence),
        restore_item(evidence.stack, restore_report or rehearsal_report),
        *alerting_items(evidence),
        verify_item(evidence.stack, verify_report),
        rehearsal_item(evidence.stack, rehearsal_report),
        workflows_item(evidence.root),
    ]
    return with_causes(items, evidence)


PLACEHOLDERS, UPDATE, SETTINGS = "No placeholder values left", "Policy pack: update", "Stack settings valid"


def with_causes(items: list[Item], evidence: Evidence) -> list[Item]:
    """Mark the failures that follow from another one: an item without evidence because the update-phase plan
    (or the preview) could not run, and the update-phase plan refused because of placeholder values."""
    knock_on = []
    if evidence.update is None:
        knock_on.append((evidence.no_update(), UPDATE))
    if evidence.facts is None and evidence.settings_error:
        knock_on.append((evidence.no_preview(), SETTINGS))
    refused_for_placeholders = (
        bool(evidence.update_refused)
        and not evidence.settings_error
        and any(problem in evidence.update_refused for problem in _placeholder_problems(evidence))
    )
    marked = []
    for item in items:
        cause = next((title for marker, title in knock_on if item.title != title and marker in item.evidence), None)
        if item.title == UPDATE and refused_for_placeholders:
            cause = PLACEHOLDERS
        marked.append(replace(item, caused_by=cause) if cause else item)
    return marked


def _placeholder_problems(evidence: Evidence) -> list[str]:
    settings = evidence.facts.settings if evidence.facts is not None else None
    return settings.unfinished() if settings is not None else []
