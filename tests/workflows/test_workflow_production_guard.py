"""No workflow can apply to a stack other than staging, and every up/preview runs the policy pack.

`violations()` reads a parsed workflow the way GitHub would run it: pulumi/actions
steps by their inputs, `run:` steps by the pulumi and make commands they contain.
The synthetic workflows below prove each rule fires, so the check on the real
files cannot pass by accident.
"""

from __future__ import annotations

import re
import shlex

import pytest

APPLY = {"up", "update", "destroy", "refresh", "import"}
NEEDS_PACK = {"up", "update", "preview"}
ALLOWED_APPLY_STACK = "staging"


def _stack_ok(stack: object) -> bool:
    # "staging" or "org/staging"; an expression could evaluate to anything.
    return isinstance(stack, str) and "${{" not in stack and stack.split("/")[-1] == ALLOWED_APPLY_STACK


def _commands(script: str):
    """Yield each shell command of a run script as a token list (continuations joined)."""
    for line in script.replace("\\\n", " ").splitlines():
        for part in re.split(r"&&|\|\||;|\|", line):
            try:
                tokens = shlex.split(part, comments=True)
            except ValueError:
                tokens = part.split()
            if tokens:
                yield tokens


def _flag(tokens: list[str], *names: str) -> str | None:
    for i, tok in enumerate(tokens):
        for name in names:
            if tok == name and i + 1 < len(tokens):
                return tokens[i + 1]
            if tok.startswith(name + "="):
                return tok.split("=", 1)[1]
    return None


def _check_pulumi_run(where: str, tokens: list[str], out: list[str]) -> str:
    """Append violations of one `pulumi ...` command; return its subcommand."""
    idx = next(i for i, t in enumerate(tokens) if t.split("/")[-1] == "pulumi")
    rest = [t for t in tokens[idx + 1 :] if not t.startswith("-")]
    command = rest[0] if rest else ""
    if command == "stack" and len(rest) > 1 and rest[1] == "rm":
        out.append(f"{where}: `pulumi stack rm` removes a stack")
        return command
    stack = _flag(tokens, "-s", "--stack")
    if command in APPLY and not _stack_ok(stack):
        out.append(f"{where}: `pulumi {command}` must target -s {ALLOWED_APPLY_STACK} explicitly, got {stack!r}")
    if command in NEEDS_PACK and not (_flag(tokens, "--policy-pack") and _flag(tokens, "--policy-pack-config")):
        out.append(f"{where}: `pulumi {command}` runs without --policy-pack/--policy-pack-config")
    return command


def _check_make_run(where: str, tokens: list[str], out: list[str]) -> None:
    targets = [t for t in tokens[1:] if "=" not in t and not t.startswith("-")]
    stack = next((t.split("=", 1)[1] for t in tokens if t.startswith("STACK=")), ALLOWED_APPLY_STACK)
    if {"up", "destroy", "refresh"} & set(targets) and not _stack_ok(stack):
        out.append(f"{where}: `make {' '.join(targets)}` with STACK={stack}")


def violations(name: str, workflow: dict) -> list[str]:
    out: list[str] = []
    for job_id, job in workflow.get("jobs", {}).items():
        applies = False
        for i, step in enumerate(job.get("steps", [])):
            where = f"{name}:{job_id}:step {i + 1}"
            uses = step.get("uses", "")
            if uses.startswith("pulumi/actions@"):
                inputs = step.get("with") or {}
                command = str(inputs.get("command", "")).strip()
                stack = inputs.get("stack-name")
                if command not in {"preview", "up", "update", "destroy", "refresh", "output"}:
                    out.append(f"{where}: pulumi/actions command {command!r} is not a known literal")
                if command in APPLY:
                    applies = True
                    if not _stack_ok(stack):
                        out.append(f"{where}: pulumi/actions `{command}` on stack {stack!r}")
                if command in NEEDS_PACK:
                    packs, configs = inputs.get("policyPacks"), inputs.get("policyPackConfigs")
                    if not packs or not configs:
                        out.append(f"{where}: pulumi/actions `{command}` without policyPacks/policyPackConfigs")
                    elif isinstance(stack, str) and f"config.{stack.split('/')[-1]}.json" not in str(configs):
                        out.append(f"{where}: policy config {configs!r} is not the one for stack {stack!r}")
            elif "run" in step:
                for tokens in _commands(step["run"]):
                    if any(t.split("/")[-1] == "pulumi" for t in tokens):
                        applies |= _check_pulumi_run(where, tokens, out) in APPLY
                    if tokens[0] == "make":
                        _check_make_run(where, tokens, out)
                        applies |= "up" in tokens
        if applies:
            env = job.get("environment")
            env_name = env.get("name") if isinstance(env, dict) else env
            if env_name != ALLOWED_APPLY_STACK:
                out.append(f"{name}:{job_id}: applies without `environment: {ALLOWED_APPLY_STACK}` (reviewers)")
    return out


def test_real_workflows_cannot_apply_production_and_always_run_the_pack(workflows):
    found = [v for name, wf in workflows.items() for v in violations(name, wf)]
    assert not found, "\n".join(found)


def test_production_is_only_ever_previewed(workflows):
    for name, wf in workflows.items():
        for job in wf["jobs"].values():
            for step in job.get("steps", []):
                inputs = step.get("with") or {}
                if "prod" in str(inputs.get("stack-name", "")):
                    assert inputs.get("command") == "preview", name
    assert set(workflows["preview-production.yml"]["on"]) == {"workflow_dispatch"}


# --------------------------------------------------------------------------- the rules can fail


def _action(command, stack, **extra):
    inputs = {"command": command, "stack-name": stack, **extra}
    return {"uses": "pulumi/actions@" + "0" * 40, "with": inputs}


PACK = {"policyPacks": "policies", "policyPackConfigs": "policies/config.staging.json"}


def _wf(*steps, environment="staging"):
    job = {"runs-on": "ubuntu-latest", "steps": list(steps)}
    if environment:
        job["environment"] = environment
    return {"jobs": {"j": job}}


@pytest.mark.parametrize(
    ("workflow", "expected"),
    [
        (_wf(_action("up", "production", **PACK)), "`up` on stack 'production'"),
        (_wf(_action("up", "acme/prod", **PACK)), "`up` on stack 'acme/prod'"),
        (_wf(_action("destroy", "production")), "`destroy` on stack 'production'"),
        (_wf(_action("refresh", "prod-eu")), "`refresh` on stack 'prod-eu'"),
        (_wf(_action("up", "${{ inputs.stack }}", **PACK)), "`up` on stack '${{ inputs.stack }}'"),
        (_wf(_action("${{ inputs.command }}", "production")), "is not a known literal"),
        (_wf(_action("up", "staging")), "without policyPacks/policyPackConfigs"),
        (_wf(_action("preview", "staging", policyPacks="policies")), "without policyPacks/policyPackConfigs"),
        (
            _wf(_action("preview", "production", **PACK)),
            "policy config 'policies/config.staging.json' is not the one for stack 'production'",
        ),
        (_wf(_action("up", "staging", **PACK), environment=None), "applies without `environment: staging`"),
        (_wf({"run": "pulumi up --yes -s production --policy-pack p --policy-pack-config c"}), "got 'production'"),
        (_wf({"run": "pulumi up --yes --policy-pack p --policy-pack-config c"}), "got None"),
        (_wf({"run": "cd infra && pulumi destroy --stack=prod --yes"}), "`pulumi destroy` must target"),
        (_wf({"run": "pulumi refresh --yes \\\n  -s production"}), "`pulumi refresh` must target"),
        (_wf({"run": 'pulumi up -s "$STACK" --policy-pack p --policy-pack-config c'}), "got '$STACK'"),
        (_wf({"run": "pulumi preview -s staging"}), "runs without --policy-pack"),
        (_wf({"run": "pulumi stack rm staging --yes"}), "`pulumi stack rm`"),
        (_wf({"run": "make up STACK=production"}), "`make up` with STACK=production"),
    ],
)
def test_rules_catch_unsafe_workflows(workflow, expected):
    found = violations("bad.yml", workflow)
    assert any(expected in v for v in found), found


@pytest.mark.parametrize(
    "workflow",
    [
        _wf(_action("up", "staging", **PACK)),
        _wf(_action("up", "acme/staging", **PACK)),
        _wf(
            _action(
                "preview", "production", policyPacks="policies", policyPackConfigs="policies/config.production.json"
            )
        ),
        _wf({"run": "pulumi up -s staging --policy-pack policies --policy-pack-config policies/config.staging.json"}),
        _wf({"run": "pulumi stack output --json -s production"}, environment=None),
        _wf({"run": "make up"}),
    ],
)
def test_rules_accept_safe_workflows(workflow):
    assert violations("ok.yml", workflow) == []
