"""Readiness items of the Configuration and Guardrails groups: the stack settings, the policy pack's verdicts on
both phases, and the two keys that stop an apply before production."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ops.program.facts import load_settings
from ops.program.result import PlanResult
from ops.program.verdicts import rule_of
from ops.readiness.model import FAIL, PASS, Evidence, Item
from ops.shared.markdown import minutes
from policies.rules.stop_before_production import window_problem
from stacks.guard import WINDOW_KEY, evaluate_window, is_production
from stacks.settings import is_reserved_example_address


def configuration_items(evidence: Evidence) -> list[Item]:
    group = "Configuration"
    if evidence.settings_error:
        return [Item(group, "Stack settings valid", FAIL, evidence.settings_error)]
    facts_settings = _settings(evidence)
    items = [
        Item(
            group,
            "Stack settings valid",
            PASS,
            f"every `kitchen-kontrol:*` key of {_stack_file(evidence)} parses into typed settings",
        )
    ]
    problems = facts_settings.unfinished()
    database, monitoring = facts_settings.database, facts_settings.monitoring
    if problems:
        items.append(Item(group, "No placeholder values left", FAIL, "; ".join(problems)))
    else:
        items.append(
            Item(
                group,
                "No placeholder values left",
                PASS,
                f"`dbAllowedCidrs`: {len(database.allowed_cidrs)} range(s), none a documentation range; "
                f"`oncallContacts`: {len(monitoring.contacts)} address(es), none at an example domain",
            )
        )
    named = [level.email for level in monitoring.escalation if level.email]
    examples = [email for email in named if is_reserved_example_address(email)]
    levels = ", ".join(
        f"{minutes(level.response_minutes)}: {f'{level.oncall_role} on-call' if level.oncall_role else level.name}"
        for level in monitoring.escalation
    )
    if examples:
        items.append(
            Item(group, "Escalation reaches real people", FAIL, f"{levels}; at example domains: {', '.join(examples)}")
        )
    else:
        count = len(monitoring.escalation)
        items.append(Item(group, "Escalation reaches real people", PASS, f"{count} level(s): {levels}"))
    return items


def _settings(evidence: Evidence):
    if evidence.facts is not None:
        return evidence.facts.settings
    return load_settings(evidence.stack, evidence.root)[1]


def _stack_file(evidence: Evidence) -> str:
    return f"Pulumi.{evidence.stack}.yaml"


def guardrail_items(evidence: Evidence) -> list[Item]:
    group = "Guardrails"
    items = [_stop_before_production(evidence)]
    title = "Policy pack: preview"
    facts = evidence.facts
    if facts is None:
        items.append(Item(group, title, FAIL, f"not evaluated: {evidence.no_preview()}"))
    else:
        items.append(_verdicts(group, title, facts.plan, evidence.policy_config_name))
    title = "Policy pack: update"
    if evidence.update is not None:
        items.append(_verdicts(group, title, evidence.update, evidence.policy_config_name))
    else:
        if evidence.update_refused:
            why = f"the program refused the update: {evidence.update_refused}"
        elif evidence.settings_error:
            why = evidence.no_preview()
        else:
            why = f"the update-phase plan failed: {evidence.update_error}"
        items.append(Item(group, title, FAIL, f"not evaluated: {why}"))
    return items


def _verdicts(group: str, title: str, plan: PlanResult, config_name: str) -> Item:
    if not plan.policies_ran:
        return Item(group, title, FAIL, "not evaluated: the policy pack did not run")
    mandatory = plan.mandatory_policies
    advisory = sorted(
        {rule_of(d.policy_name, d.message) for d in plan.diagnostics if d.enforcement_level == "advisory"}
    )
    phase = "preview" if plan.preview else "update"
    scope = f"{len(plan.resources) + 1} resources, {phase} phase, {config_name}"
    if mandatory:
        counts = {name: sum(d.policy_name == name for d in plan.diagnostics) for name in mandatory}
        listed = ", ".join(f"{name} ({count})" for name, count in counts.items())
        return Item(group, title, FAIL, f"mandatory violations: {listed} on {scope}; `python -m ops plan` names them")
    if advisory:
        note = "deferred to the update or advisory" if plan.preview else "advisory"
        return Item(group, title, PASS, f"no mandatory violation on {scope}; {note}: {', '.join(advisory)}")
    return Item(group, title, PASS, f"no violation on {scope}")


def _stop_before_production(evidence: Evidence) -> Item:
    stack, group, title = evidence.stack, "Guardrails", "Stop before production"
    pattern = (evidence.policy_config.get("stop-before-production") or {}).get("productionStackPattern")
    pack_says = bool(pattern and re.search(pattern, stack))
    if not is_production(stack) and not pack_says:
        refused = evidence.update_refused or ""
        if "stop-before-production" in refused:
            return Item(group, title, FAIL, f"the update-phase plan was refused as production: {refused}")
        ran = "; the update-phase plan shows no production refusal" if evidence.update or refused else ""
        return Item(
            group,
            title,
            PASS,
            f"`{stack}` is not a production stack (the program's guard and the pack's pattern agree), so updates "
            f"are allowed{ran}",
        )
    if evidence.facts is None and evidence.settings_error:
        return Item(group, title, FAIL, f"not evaluated: {evidence.no_preview()}")
    now = datetime.now(UTC)
    raw = None
    if evidence.facts is not None:
        raw = evidence.facts.config.config.get(WINDOW_KEY)
    program = evaluate_window(raw, now, stack)
    window = (evidence.policy_config.get("stop-before-production") or {}).get("releaseWindow")
    pack = window_problem(window, stack, now)
    if program.open and pack is None:
        return Item(group, title, PASS, f"both keys open: program: {program.reason}; policy pack: window open")
    return Item(
        group,
        title,
        FAIL,
        f"the apply of `{stack}` is blocked (stop before production): program: {program.reason}; "
        f"policy pack ({evidence.policy_config_name}): {pack or 'window open'}",
    )
