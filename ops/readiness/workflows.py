"""The readiness item of the Pipeline group: the CI workflows exist and do what they must."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ops.readiness.model import FAIL, PASS, Item

# Each workflow that must exist: what its text must contain, and what that shows.
WORKFLOW_EXPECTATIONS = {
    "ci.yml": (
        ("make test", "make lint", "ops plan staging", "ops plan production", "detect-secrets"),
        "tests, lint, both plans, secret scan",
    ),
    "preview.yml": (("policyPacks", "preview"), "staging preview with the pack"),
    "deploy-staging.yml": (("workflow_run", "ops verify --stack staging"), "apply after ci.yml, then verify"),
    "drift-watch.yml": (("schedule", "expect-no-changes", "ops verify"), "scheduled drift and health watch"),
    "preview-production.yml": (("preview", "production"), "production preview only"),
}


def workflows_item(root: Path) -> Item:
    group, title = "Pipeline", "CI workflows present"
    directory = root / ".github" / "workflows"
    problems, seen = [], []
    parsed: dict[str, Any] = {}
    for name in WORKFLOW_EXPECTATIONS:
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        try:
            data = yaml.safe_load(path.read_text())
        except yaml.YAMLError:
            problems.append(f"{name} is not valid YAML")
            continue
        if not isinstance(data, dict):
            problems.append(f"{name} is not a workflow")
            continue
        data["on"] = data.pop(True, data.get("on"))
        parsed[name] = data
    text = {name: json.dumps(data) for name, data in parsed.items()}
    for name, (needles, meaning) in WORKFLOW_EXPECTATIONS.items():
        if name not in text:
            continue
        absent = [needle for needle in needles if needle not in text[name]]
        if absent:
            problems.append(f"{name} lacks {', '.join(absent)}")
        else:
            seen.append(f"{name} ({meaning})")
    if "deploy-staging.yml" in parsed:
        job = next(iter(parsed["deploy-staging.yml"].get("jobs", {}).values()), {})
        env = job.get("environment")
        if (env.get("name") if isinstance(env, dict) else env) != "staging":
            problems.append("deploy-staging.yml does not wait for the `staging` environment's reviewers")
    if problems:
        return Item(group, title, FAIL, "; ".join(problems))
    return Item(group, title, PASS, "; ".join(seen))
