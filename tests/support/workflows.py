"""The repository's GitHub workflows: where they are and how to walk their steps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tests.support.env import ROOT

WORKFLOW_DIR = ROOT / ".github" / "workflows"


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOW_DIR.glob("*.yml"), *WORKFLOW_DIR.glob("*.yaml")])


def steps(workflow: dict) -> Iterator[tuple[str, dict]]:
    """(job id, step) for every step of every job."""
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def every_step(workflows: dict[str, dict]) -> Iterator[tuple[str, dict]]:
    """("file:job", step) for every step of every workflow, as the hygiene rules name where they fail."""
    for name, workflow in workflows.items():
        for job_id, step in steps(workflow):
            yield f"{name}:{job_id}", step
