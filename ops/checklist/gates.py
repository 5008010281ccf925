"""First-deploy checklist steps that gate the apply: the release windows, the policy pack, the update-phase plan,
the rehearsal and the first apply itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from ops.checklist.model import DONE, MANUAL, TODO, Step
from ops.program.facts import POLICY_FLAGS, StackFacts
from ops.program.runner import PlanRefused, run_plan
from ops.program.verdicts import rule_of
from ops.shared.errors import UsageError
from policies.rules.stop_before_production import window_problem
from stacks.guard import WINDOW_KEY, evaluate_window


def program_window_step(facts: StackFacts) -> Step:
    raw = facts.config.config.get(WINDOW_KEY)
    verdict = evaluate_window(raw, datetime.now(UTC), facts.config.stack)
    title = "The program's key: `kitchen-kontrol:releaseWindow`"
    if verdict.open:
        return Step(title, DONE, verdict.reason)
    stack = facts.stack
    return Step(
        title,
        TODO,
        verdict.reason,
        "once the release is approved, with APPROVER and CHANGE set to the approver and the change ticket: "
        f'`pulumi config set --path -s {stack} releaseWindow.approvedBy "$APPROVER"`, '
        f'`pulumi config set --path -s {stack} releaseWindow.changeReference "$CHANGE"`, '
        f'`pulumi config set --path -s {stack} releaseWindow.notBefore "$(date -u +%FT%T+00:00)"`, '
        f"`pulumi config set --path -s {stack} releaseWindow.notAfter \"$(date -u -d '+2 hours' +%FT%T+00:00)\"` "
        "(at most 24 h).",
    )


def policy_window_step(facts: StackFacts, root: Path) -> Step:
    path = root / "policies" / f"config.{facts.stack}.json"
    title = "The policy owners' key: `releaseWindow` of `stop-before-production`"
    try:
        config = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return Step(title, TODO, f"cannot read {path.name}: {exc.__class__.__name__}", f"fix {path.name}")
    window = (config.get("stop-before-production") or {}).get("releaseWindow") if isinstance(config, dict) else None
    problem = window_problem(window, facts.stack, datetime.now(UTC))
    if problem is None:
        return Step(title, DONE, f"{path.name} holds an open release window for `{facts.stack}`")
    return Step(
        title,
        TODO,
        f"{path.name}: {problem}",
        f'the policy owners add a `"releaseWindow"` object under `"stop-before-production"` in {path.name}: '
        f'`stack` (`"{facts.stack}"`), `approvedBy`, `changeReference`, `notBefore` and `notAfter` (ISO-8601 with a '
        "zone), for the same approved window, in a reviewed pull request (docs/policies.md).",
    )


def policies_step(facts: StackFacts) -> Step:
    plan = facts.plan
    title = "Offline plan passes the policy pack"
    stack = facts.stack
    if not plan.policies_ran:
        return Step(title, TODO, "the policy pack did not run", f"`python -m ops plan {stack}`")
    mandatory = plan.mandatory_policies
    resources = len(plan.resources) + 1
    deferred = len({rule_of(d.policy_name, d.message) for d in plan.diagnostics if d.enforcement_level == "advisory"})
    if mandatory:
        return Step(
            title,
            TODO,
            f"mandatory violations of {', '.join(mandatory)} on the preview of {resources} resources",
            f"`python -m ops plan {stack}` names each resource and property; fix them",
        )
    return Step(
        title,
        DONE,
        f"no mandatory violation on the preview of {resources} resources"
        + (f"; {deferred} rule(s) advisory or deferred to the update" if deferred else ""),
    )


def update_accepted_step(facts: StackFacts) -> Step:
    title = "The program accepts an update of this stack"
    try:
        run_plan(facts.stack, preview=False, root=facts.config.path.parent)
    except PlanRefused as exc:
        return Step(title, TODO, f"the update-phase offline plan is refused: {exc}", "fix what it names, above")
    except UsageError as exc:
        return Step(title, TODO, f"the update-phase offline plan failed: {exc}", "fix what it names")
    return Step(title, DONE, f"`python -m ops plan {facts.stack} --as-update` passes the program's checks")


def rehearsal_step(facts: StackFacts) -> Step:
    stack = facts.stack
    return Step(
        "Dress rehearsal with the real engine",
        MANUAL,
        "needs the Pulumi engine build (`make engine`) and takes minutes, so it is not run here",
        f'`python -m ops rehearse {stack} --json > rehearsal.json` ends with `"ok": true`; pass the file to '
        f"`python -m ops readiness {stack} --rehearsal-report rehearsal.json`.",
    )


def first_apply_step(facts: StackFacts) -> Step:
    stack = facts.stack
    flags = POLICY_FLAGS.format(stack=stack)
    if facts.production:
        return Step(
            "The first apply",
            MANUAL,
            "this project never applies production: no Make target or workflow does",
            f"inside the approved window the release team runs `pulumi preview -s {stack} {flags}`, reads it, then "
            f"`pulumi up -s {stack} {flags}`.",
        )
    return Step(
        "The first apply",
        MANUAL,
        "an apply is a decision, not a check",
        f"`make preview` (`pulumi preview -s {stack} {flags}`) and read it; then merge to `main` so "
        "`deploy-staging.yml` applies it after `ci.yml` passed and a reviewer approved, or `make up` locally.",
    )
