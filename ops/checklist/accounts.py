"""First-deploy checklist steps about the accounts the stack uses: Render, Sentry, UptimeRobot, GitHub."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from components.sentry.tokens import UP_SCOPES
from ops.checklist.model import DONE, MANUAL, TODO, Step
from ops.checklist.probes import render_owners, workflow_environments
from ops.program.facts import SENTRY_MEMBER, StackFacts
from stacks.settings import FREE_PLAN_MIN_INTERVAL_SECONDS


def render_owner_step(facts: StackFacts, env: Mapping[str, str], render_api: str) -> Step:
    owner = facts.settings.render.owner_id
    title = "Render workspace: `kitchen-kontrol:renderOwnerId` set or resolvable"
    set_it = f"set `kitchen-kontrol:renderOwnerId` (the workspace id, starting `tea-` or `usr-`) in {facts.stack_file}"
    if owner:
        return Step(title, DONE, f"`renderOwnerId` is `{owner}`")
    if not env.get("RENDER_APIKEY"):
        return Step(
            title,
            TODO,
            "`renderOwnerId` is unset and RENDER_APIKEY is not set, so the key's workspace cannot be looked up",
            f"export RENDER_APIKEY (then this check asks Render), or {set_it}",
        )
    ids, problem = render_owners(env["RENDER_APIKEY"], render_api)
    if problem:
        return Step(title, TODO, f"`renderOwnerId` is unset and {problem}", set_it)
    if len(ids) == 1:
        return Step(title, DONE, f"`renderOwnerId` is unset; the API key sees exactly one workspace, `{ids[0]}`")
    shown = ", ".join(ids) if ids else "none"
    return Step(title, TODO, f"`renderOwnerId` is unset and the API key sees {len(ids)} workspaces ({shown})", set_it)


def render_github_step(facts: StackFacts) -> Step:
    app = facts.settings.app
    owner_repo = app.repo.removesuffix(".git").split("github.com/", 1)[1]
    return Step(
        "Render can read the app repository",
        MANUAL,
        f"Render builds `{app.branch}` of {app.repo}; whether its GitHub app may read it is not visible from here",
        f"on GitHub, install the Render app (https://github.com/apps/render → Configure) for the account owning "
        f"`{owner_repo}` with access to that repository, in the same Render workspace the stack deploys to; "
        "auto-deploy on push needs it.",
    )


def sentry_organization_step(facts: StackFacts) -> Step:
    monitoring = facts.settings.monitoring
    kinds: dict[str, int] = {}
    for resource in facts.plan.resources:
        if resource.type.startswith("sentry:") or resource.type == SENTRY_MEMBER:
            kind = re.sub(r"(?<!^)(?=[A-Z])", " ", resource.type.rsplit(":", 1)[1].removeprefix("Sentry")).lower()
            kinds[kind] = kinds.get(kind, 0) + 1
    created = ", ".join(f"{kind} ({count})" for kind, count in sorted(kinds.items()))
    return Step(
        "Sentry organization and token",
        MANUAL,
        f"the plan creates in organization `{monitoring.sentry_organization}`: {created or 'nothing'}",
        f"make sure the organization `{monitoring.sentry_organization}` exists and that SENTRY_AUTH_TOKEN (and "
        f"SENTRY_TOKEN, the same value) is {UP_SCOPES}.",
    )


def uptime_plan_step(facts: StackFacts) -> Step:
    monitoring = facts.settings.monitoring
    title = "UptimeRobot plan fits the monitor"
    if monitoring.uptime_interval_seconds < FREE_PLAN_MIN_INTERVAL_SECONDS:
        return Step(
            title,
            MANUAL,
            f"`uptimeIntervalSeconds` is {monitoring.uptime_interval_seconds}: the free plan checks at most "
            f"every {FREE_PLAN_MIN_INTERVAL_SECONDS} s",
            "confirm the UptimeRobot account of UPTIMEROBOT_API_KEY is on a paid plan, or set "
            f"`kitchen-kontrol:uptimeIntervalSeconds: {FREE_PLAN_MIN_INTERVAL_SECONDS}` in {facts.stack_file}",
        )
    threshold = monitoring.uptime_failure_threshold
    note = "" if threshold == 1 else f"; the free plan alerts at the first failure instead of after {threshold}"
    interval = monitoring.uptime_interval_seconds
    return Step(
        title, DONE, f"`uptimeIntervalSeconds` is {interval} (free plan: ≥ {FREE_PLAN_MIN_INTERVAL_SECONDS}){note}"
    )


def github_environment_steps(facts: StackFacts, root: Path) -> list[Step]:
    """One step per GitHub environment whose jobs name this stack, with what those jobs read."""
    environments = workflow_environments(root)
    # A variable every environment's jobs read (the region) is set once for the repository.
    shared = set.intersection(*(env.variables for env in environments.values())) if environments else set()
    steps = []
    for name, env in sorted(environments.items()):
        if facts.stack not in env.stacks:
            continue
        if env.pull_requests:  # a PR's job runs from its own branch and cannot wait for a reviewer
            rule = "deployment branches: all branches; no required reviewers"
        else:
            rule = "required reviewers (tick *Prevent self-review*), deployment branches: *Selected branches* → `main`"
        variables = sorted(env.variables - shared)
        roles = [v for v in variables if v.endswith("_ROLE_ARN")]
        # No backticks around names: the secret scanner reads `NAME_KEY`, `…` as a quoted value.
        action = (
            f"Settings → Environments → New environment `{name}`: {rule}. "
            f"Environment secrets: {', '.join(sorted(env.secrets)) or 'none'}; "
            f"environment variables: {', '.join(variables) or 'none'}"
        )
        if shared:
            action += f"; repository variables: {', '.join(sorted(shared))}"
        if roles:
            action += f". Trust {', '.join(roles)} only for the OIDC subject of this repository's `{name}` environment"
        steps.append(
            Step(
                f"GitHub: the `{name}` environment, its secrets and variables",
                MANUAL,
                f"repository settings are not visible from here; read by {', '.join(sorted(env.workflows))}",
                action + " (docs/pipeline.md, GitHub environments).",
            )
        )
    return steps
