"""What `ops readiness` produces: items, each with its evidence, and the evidence they are judged on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ops.program.facts import StackFacts
from ops.program.result import PlanResult

PASS, FAIL, WARN = "pass", "fail", "warn"


@dataclass(frozen=True)
class Item:
    group: str
    title: str
    status: str  # pass | fail | warn
    evidence: str  # what was seen, or why there is no evidence
    blocking: bool = True
    caused_by: str | None = None  # the title of the failed item this one fails because of (a knock-on effect)

    @property
    def blocks(self) -> bool:
        return self.status == FAIL and self.blocking


def causes(items: list[Item]) -> dict[str, list[Item]]:
    """Each blocking failure that is a cause, in report order, with the blocking failures that follow from it
    (through any chain of knock-on effects)."""
    by_title = {item.title: item for item in items}

    def root(item: Item) -> Item:
        seen = {item.title}
        while item.caused_by in by_title and by_title[item.caused_by].blocks and item.caused_by not in seen:
            item = by_title[item.caused_by]
            seen.add(item.title)
        return item

    grouped: dict[str, list[Item]] = {}
    for item in items:
        if item.blocks:
            cause = root(item)
            grouped.setdefault(cause.title, [])
            if cause is not item:
                grouped[cause.title].append(item)
    return grouped


@dataclass
class Evidence:
    """Everything readiness judges, collected once."""

    stack: str
    root: Path
    facts: StackFacts | None = None
    settings_error: str | None = None
    preview_error: str | None = None
    update: PlanResult | None = None
    update_refused: str | None = None
    update_error: str | None = None
    generated_secrets: list[str] = field(default_factory=list)
    policy_config: dict = field(default_factory=dict)
    policy_config_name: str = ""

    def no_preview(self) -> str:
        """Why the items judged on the offline preview have no evidence."""
        if self.settings_error:
            return "the stack settings are invalid (see *Stack settings valid*)"
        return f"the offline preview failed: {self.preview_error}"

    def no_update(self) -> str:
        """Why the items judged on the update-phase plan have no evidence."""
        if self.update_refused:
            return "the program refused the update-phase plan (see *Policy pack: update*)"
        return f"the update-phase plan failed: {self.update_error}"
