"""Staging and production own disjoint objects; an environment stack owns nothing organization-wide.

Proved on the offline plans: each declared object gets the identity the cloud service knows it
by (a Sentry team is its organization and slug, an organization member its organization and
e-mail, ...), and the two stacks' identities must not meet.  Two stacks declaring the same
identity fight over one object: the second create fails, or one stack's delete removes what the
other still uses.
"""

from __future__ import annotations

import pytest

from tests.support.plan import ONCALL

SENTRY = "sentry:index/"
ORG_MEMBER = "sentry:index/sentryOrganizationMember:SentryOrganizationMember"
TEAM_MEMBERSHIP = "pulumi-python:dynamic/sentry:TeamMembership"
UPTIME_CONTACT = "pulumi-python:dynamic/uptimerobot:AlertContact"
# Objects whose identity is the account or organization itself, whoever declares them.
ORGANIZATION_WIDE = {ORG_MEMBER, UPTIME_CONTACT}


def identity(resource) -> tuple | None:
    """How the service itself tells this object apart; None for objects with a generated name."""
    t, i = resource.type, resource.inputs
    if t == "sentry:index/sentryTeam:SentryTeam" or t == "sentry:index/sentryProject:SentryProject":
        return (t, i["organization"], i["slug"])
    if t == ORG_MEMBER:
        return (t, i["organization"], i["email"].lower())
    if t in ("sentry:index/sentryKey:SentryKey", "sentry:index/sentryIssueAlert:SentryIssueAlert"):
        return (t, i["organization"], i["project"], i.get("name"))
    if t == TEAM_MEMBERSHIP:
        return (t, i["organization"], i["team"], i["email"].lower())
    if t == UPTIME_CONTACT:
        return (t, i["value"].lower())
    if t == "pulumi-python:dynamic/uptimerobot:Monitor":
        return (t, i["name"])
    if t.startswith("render:services:") and isinstance(i.get("name"), str):
        return (t, i["name"])
    if t.startswith("aws:"):
        name = i.get("identifier") or i.get("name") or i.get("finalSnapshotIdentifier")
        return (t, name) if isinstance(name, str) else None  # else auto-named: unique per stack
    return None


@pytest.fixture(scope="module")
def both_plans():
    from tests.support.plan import run_canary_plan

    return {stack: run_canary_plan(stack) for stack in ("staging", "production")}


def _identities(result, *, organization_wide: bool) -> dict[tuple, str]:
    found = {}
    for r in result.resources:
        key = identity(r)
        if key is not None and (r.type in ORGANIZATION_WIDE) == organization_wide:
            found[key] = r.name
    return found


def test_staging_and_production_declare_no_object_with_the_same_identity(both_plans):
    staging = _identities(both_plans["staging"], organization_wide=False)
    production = _identities(both_plans["production"], organization_wide=False)
    assert len(staging) > 10 and len(production) > 10  # the comparison has something to compare
    assert sorted(set(staging) & set(production)) == []


def test_no_environment_stack_declares_a_sentry_organization_member(both_plans):
    for result in both_plans.values():
        assert [r.name for r in result.resources if r.type == ORG_MEMBER] == []
        teams = [r.inputs["slug"] for r in result.resources if r.type == "sentry:index/sentryTeam:SentryTeam"]
        assert teams == [f"kitchen-kontrol-{result.stack}"]


@pytest.mark.xfail(
    strict=True,
    reason="UptimeRobot alert contacts are account-wide (one per e-mail) and both stacks declare them "
    "(components/uptimerobot adopts the existing contact); reported to the lead, outside this issue's "
    "scope. Remove this marker when the contacts are looked up or owned by one scope.",
)
def test_no_environment_stack_shares_an_uptimerobot_contact(both_plans):
    staging = _identities(both_plans["staging"], organization_wide=True)
    production = _identities(both_plans["production"], organization_wide=True)
    assert sorted(set(staging) & set(production)) == []


def test_removing_a_contact_deletes_nothing_in_sentry_outside_the_environment(plan, project_dir):
    before = plan(project_dir.write_stack(oncallContacts=ONCALL), preview=False, root=project_dir)
    only_primary = project_dir.write_stack(oncallContacts=ONCALL[:1], escalationLevels=["15m: primary"])
    after = plan(only_primary, preview=False, root=project_dir)
    kept = {r.urn for r in after.resources}
    removed = [r for r in before.resources if r.urn not in kept]
    assert sorted(r.type for r in removed if r.type.startswith(SENTRY) or r.type == TEAM_MEMBERSHIP) == [
        TEAM_MEMBERSHIP
    ]
    (membership,) = [r for r in removed if r.type == TEAM_MEMBERSHIP]
    # Deleting it takes the person off this environment's team only (see test_sentry_membership).
    assert membership.inputs["team"] == "kitchen-kontrol-teststack"
    assert membership.inputs["email"] == "bo@kitchen-kontrol.dev"
    assert [r.type for r in removed if r.type == ORG_MEMBER] == []
