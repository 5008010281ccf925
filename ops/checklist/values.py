"""First-deploy checklist steps about the stack's own values: region, who may reach the database, who is paged."""

from __future__ import annotations

from ops.checklist.model import DONE, TODO, Step
from ops.program.facts import StackFacts
from stacks.settings import ESCALATION_FORMAT, is_reserved_example_address


def region_step(facts: StackFacts) -> Step:
    if facts.region:
        return Step("AWS region set in the stack", DONE, f"`aws:region` is `{facts.region}` in {facts.stack_file}")
    return Step(
        "AWS region set in the stack",
        TODO,
        f"{facts.stack_file} has no `aws:region`",
        f"`pulumi config set aws:region us-east-1 -s {facts.stack}` (or the region you deploy to)",
    )


def allowed_cidrs_step(facts: StackFacts) -> Step:
    database = facts.settings.database
    documentation = database.documentation_cidrs()
    title = "Render's outbound IPs in `kitchen-kontrol:dbAllowedCidrs`"
    region = facts.settings.render.region
    where = (
        f"Render dashboard → a service in `{region}` → *Connect* → *Outbound* lists the IP ranges; put them in "
        f"`kitchen-kontrol:dbAllowedCidrs` in {facts.stack_file}"
    )
    if documentation:
        return Step(
            title,
            TODO,
            f"{len(documentation)} of {len(database.allowed_cidrs)} range(s) are RFC 5737 documentation ranges "
            f"({', '.join(documentation)}); the program refuses an update with them",
            where,
        )
    return Step(
        title,
        DONE,
        f"{len(database.allowed_cidrs)} range(s), none a documentation range: {', '.join(database.allowed_cidrs)}",
    )


def contacts_step(facts: StackFacts) -> Step:
    emails = facts.settings.monitoring.emails
    examples = [e for e in emails if is_reserved_example_address(e)]
    title = "Real on-call people in `kitchen-kontrol:oncallContacts`"
    if examples:
        return Step(
            title,
            TODO,
            f"{len(examples)} of {len(emails)} address(es) are at reserved example domains: {', '.join(examples)}; "
            "the program refuses an update with them",
            f'entries like "primary: Jane Doe <jane@example.com>" with real addresses in {facts.stack_file}, at least '
            "one primary",
        )
    return Step(title, DONE, f"{len(emails)} address(es), none at an example domain: {', '.join(emails)}")


def escalation_contacts_step(facts: StackFacts) -> Step:
    levels = facts.settings.monitoring.escalation
    named = [level.email for level in levels if level.email]
    examples = [e for e in named if is_reserved_example_address(e)]
    title = "Real people in `kitchen-kontrol:escalationLevels`"
    summary = f"{len(levels)} level(s), {len(named)} named person(s)"
    if examples:
        return Step(
            title,
            TODO,
            f"{summary}; at reserved example domains: {', '.join(examples)}",
            f"replace them in `kitchen-kontrol:escalationLevels` in {facts.stack_file} (entries like "
            f"{ESCALATION_FORMAT}, with real addresses)",
        )
    return Step(title, DONE, summary + (", none at an example domain" if named else " (on-call roles only)"))
