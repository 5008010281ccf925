"""What the first-deploy checklist looks at outside the plan: the pulumi CLI, git, the stack file,
the workflows' secret names and Render's owner list. Each answers without raising."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ops.program.facts import StackFacts
from ops.shared.outputs import redact
from ops.shared.project import ROOT, load_yaml

CLI_TIMEOUT = 60


def run_cli(*args: str, root: Path = ROOT) -> tuple[int, str, str] | None:
    """Run the pulumi CLI without a terminal; None when it is not installed."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        return None
    try:
        proc = subprocess.run(
            [pulumi, *args],
            cwd=root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return 124, "", f"`pulumi {' '.join(args)}` did not answer within {CLI_TIMEOUT} s"
    return proc.returncode, proc.stdout, proc.stderr


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return redact(lines[-1]) if lines else "no message"


def stack_file_keys(facts: StackFacts) -> dict:
    data = load_yaml(facts.config.path.read_text()) or {}
    return data if isinstance(data, dict) else {}


def git_committed(path: Path, root: Path) -> str | None:
    """None when `path` is tracked and unchanged; else why not."""
    git = shutil.which("git")
    if git is None:
        return "cannot tell whether it is committed: git is not on PATH"
    relative = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    tracked = subprocess.run(
        [git, "ls-files", "--error-unmatch", relative], cwd=root, capture_output=True, text=True, check=False
    )
    if tracked.returncode != 0:
        return f"{path.name} is not tracked by git here"
    changed = subprocess.run([git, "diff", "--quiet", "HEAD", "--", relative], cwd=root, check=False)
    return None if changed.returncode == 0 else f"{path.name} has uncommitted changes"


def render_owners(api_key: str, base: str) -> tuple[list[str], str | None]:
    """Workspace ids the key sees (GET /v1/owners); the key is sent, never shown."""
    # S310: the base is Render's https API (or a test's loopback URL), never user-supplied text.
    request = urllib.request.Request(  # noqa: S310
        f"{base.rstrip('/')}/v1/owners?limit=100",
        headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            payload = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        return [], f"the Render API answered HTTP {exc.code} to the owner lookup"
    except (urllib.error.URLError, OSError) as exc:
        return [], f"the Render API could not be reached ({getattr(exc, 'reason', exc)})"
    except ValueError:
        return [], "the Render API's owner list is not JSON"
    if not isinstance(payload, list):
        return [], "the Render API's owner list is not a list"
    ids = []
    for entry in payload:
        owner = entry.get("owner") if isinstance(entry, dict) else None
        owner_id = owner.get("id") if isinstance(owner, dict) else None
        if isinstance(owner_id, str) and re.fullmatch(r"[a-z]+-[a-z0-9]+", owner_id):
            ids.append(owner_id)
    return sorted(ids), None


@dataclass
class Environment:
    """A GitHub environment as the workflows' jobs use it (`environment:`)."""

    workflows: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    stacks: set[str] = field(default_factory=set)
    pull_requests: bool = False  # a job of a pull_request workflow uses it


def job_stacks(job: dict) -> set[str]:
    """The stacks a job's steps name: pulumi/actions' stack-name, `-s`/`--stack`, `ops runbook|readiness STACK`."""
    found = set()
    for step in job.get("steps") or []:
        stack = (step.get("with") or {}).get("stack-name")
        if stack:
            found.add(str(stack).split("/")[-1])
        script = step.get("run", "")
        found.update(re.findall(r"(?:\s-s|--stack)[=\s]+([\w.-]+)", script))
        found.update(re.findall(r"-m ops (?:runbook|readiness|checklist|plan) ([\w.-]+)", script))
    return found


def workflow_environments(root: Path) -> dict[str, Environment]:
    """Each environment named by a job of .github/workflows, with what its jobs read and which stacks they name."""
    environments: dict[str, Environment] = {}
    for path in sorted((root / ".github" / "workflows").glob("*.y*ml")):
        workflow = load_yaml(path.read_text()) or {}
        on = workflow.get("on", workflow.get(True))  # PyYAML reads a bare `on:` key as True
        triggers = {on} if isinstance(on, str) else set(on or ())
        for job in (workflow.get("jobs") or {}).values():
            name = job.get("environment")
            name = name.get("name") if isinstance(name, dict) else name
            if not name:
                continue
            env = environments.setdefault(name, Environment())
            text = json.dumps(job)
            env.workflows.add(path.name)
            env.secrets |= set(re.findall(r"\$\{\{\s*secrets\.([A-Z0-9_]+)", text)) - {"GITHUB_TOKEN"}
            env.variables |= set(re.findall(r"\$\{\{\s*vars\.([A-Z0-9_]+)", text))
            env.stacks |= job_stacks(job)
            env.pull_requests |= "pull_request" in triggers
    return environments
