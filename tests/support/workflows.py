"""The repository's GitHub workflows: where they are and how to walk their steps."""

from __future__ import annotations

import json
import re
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


SECRET_NAME = re.compile(r"\$\{\{[^}]*\bsecrets\.([A-Za-z0-9_]+)")
PR_TRIGGERS = {"pull_request", "pull_request_target", "workflow_run"}  # workflow_run: also fires for PRs


def job_environment(job: dict) -> str | None:
    env = job.get("environment")
    return env.get("name") if isinstance(env, dict) else env


def job_secrets(job: dict) -> set[str]:
    """Every `secrets.NAME` a job references anywhere (env, with, run, if), GITHUB_TOKEN aside."""
    return set(SECRET_NAME.findall(json.dumps(job))) - {"GITHUB_TOKEN"}


def triggered_by_pull_requests(workflow: dict) -> bool:
    on = workflow.get("on")
    triggers = {on} if isinstance(on, str) else set(on or ())
    return bool(triggers & PR_TRIGGERS)


def _doc_rows(heading: str, width: int) -> list[list[str]]:
    """Rows of `width` cells (backticks stripped) in docs/pipeline.md's section `heading`, header aside."""
    text = (ROOT / "docs" / "pipeline.md").read_text()
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == width and line.lstrip().startswith("| `"):
            rows.append(cells)
    return rows


def documented_secrets() -> list[list[str]]:
    """docs/pipeline.md's secrets table: one row (secret, environment, holds, steps, why) per place."""
    return _doc_rows("## Secrets and variables", 5)


def documented_environments() -> dict[str, dict[str, str]]:
    """docs/pipeline.md's environments table: name -> {"branches", "reviewers"}."""
    return {cells[0]: {"branches": cells[1], "reviewers": cells[2]} for cells in _doc_rows("## GitHub environments", 5)}
