"""TeamMembership against a stateful fake of Sentry's API over real HTTP (127.0.0.1): existing
members join the environment's team and leave only that team; non-members get a clear error;
the token stays out of state, pickles and messages."""

from __future__ import annotations

import base64

import pytest

from components.sentry.api import SentryApi
from components.sentry.membership import (
    NotAMember,
    SentryError,
    TeamMembershipProvider,
)
from tests.support.sentry import ORG, TEAM, TOKEN, props


def test_existing_member_joins_the_environment_team_and_leaves_only_it(fake):
    provider = TeamMembershipProvider()
    created = provider.create(props("ana@kitchen-kontrol.dev"))
    assert created.id == f"{ORG}/{TEAM}/101" and created.outs["member_id"] == "101"
    assert fake.members["101"]["teams"] == ["kitchen-kontrol-production", TEAM]
    assert provider.read(created.id, created.outs).id == created.id

    provider.delete(created.id, created.outs)
    # Off the staging team; still a member of the organization and of production's team.
    assert fake.members["101"]["teams"] == ["kitchen-kontrol-production"]
    assert "101" in fake.members
    assert all(method != "DELETE" or "/teams/" in path for method, path in fake.calls)


def test_email_is_matched_without_regard_to_case(fake):
    created = TeamMembershipProvider().create(props("bo@kitchen-kontrol.dev"))
    assert created.outs["member_id"] == "102"


def test_a_pending_invite_whose_address_differs_only_in_case_is_found(fake):
    """Issue 29: Sentry's `email:` search matches a pending invite exactly; the provider reads every page then."""
    invite = fake.add_member("Cy.Ng@Kitchen-Kontrol.dev", pending=True)
    created = TeamMembershipProvider().create(props("cy.ng@kitchen-kontrol.dev"))
    assert created.outs["member_id"] == invite["id"]
    assert TEAM in fake.members[invite["id"]]["teams"]


def test_a_person_outside_the_organization_is_a_clear_error_and_nothing_is_created(fake):
    with pytest.raises(NotAMember) as caught:
        TeamMembershipProvider().create(props("cy@kitchen-kontrol.dev"))
    assert str(caught.value).startswith(
        "cy@kitchen-kontrol.dev is not a member of the Sentry organization 'kitchen-kontrol': invite them"
    )
    # looked up (the `email:` search, then every page for a pending invite in another case), nothing written
    assert [m for m, _ in fake.calls] == ["GET", "GET"]


def test_check_reports_a_non_member_before_anything_changes(fake):
    result = TeamMembershipProvider().check({}, props("cy@kitchen-kontrol.dev"))
    assert [(f.property, f.reason.split(":")[0]) for f in result.failures] == [
        ("email", "cy@kitchen-kontrol.dev is not a member of the Sentry organization 'kitchen-kontrol'")
    ]
    assert TeamMembershipProvider().check({}, props("ana@kitchen-kontrol.dev")).failures == []


def test_check_without_a_token_validates_shape_only(fake, monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN")
    assert TeamMembershipProvider().check({}, props("cy@kitchen-kontrol.dev")).failures == []
    bad = TeamMembershipProvider().check({}, {"organization": "Kitchen Kontrol", "team": TEAM, "email": "x"})
    assert [f.property for f in bad.failures] == ["organization", "email"]
    assert fake.calls == []


def test_sentry_token_is_the_fallback_name(fake, monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN")
    monkeypatch.setenv("SENTRY_TOKEN", TOKEN)
    assert TeamMembershipProvider().create(props("ana@kitchen-kontrol.dev")).outs["member_id"] == "101"


def test_someone_taken_off_the_team_outside_pulumi_reads_as_gone(fake):
    provider = TeamMembershipProvider()
    created = provider.create(props("ana@kitchen-kontrol.dev"))
    fake.members["101"]["teams"].remove(TEAM)
    assert provider.read(created.id, created.outs).id is None
    del fake.members["101"]
    assert provider.read(created.id, created.outs).id is None
    provider.delete(created.id, created.outs)  # already gone: not an error


def test_join_request_instead_of_membership_is_an_error(fake):
    fake.join_status = 202
    with pytest.raises(SentryError, match="only filed a request .* team:write"):
        TeamMembershipProvider().create(props("ana@kitchen-kontrol.dev"))


def test_missing_or_refused_token_never_shows_it(fake, monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN")
    with pytest.raises(SentryError, match="no Sentry token: export SENTRY_AUTH_TOKEN"):
        TeamMembershipProvider().create(props("ana@kitchen-kontrol.dev"))
    api = SentryApi(fake.base_url, "CANARYwrongToken77")
    with pytest.raises(SentryError) as caught:
        api.find_member(ORG, "ana@kitchen-kontrol.dev")
    assert "HTTP 401" in str(caught.value) and "CANARY" not in str(caught.value)


def test_unknown_organization_and_plain_http_are_refused(fake):
    api = SentryApi.from_environment()
    with pytest.raises(SentryError, match="organization 'elsewhere' does not exist"):
        api.find_member("elsewhere", "ana@kitchen-kontrol.dev")
    with pytest.raises(SentryError, match="SENTRY_BASE_URL must use https"):
        SentryApi("http://sentry.example.com/api/", TOKEN)


def test_diff_replaces_on_any_identity_change():
    provider = TeamMembershipProvider()
    old = {**props("ana@kitchen-kontrol.dev"), "member_id": "101"}
    assert provider.diff("id", old, props("ana@kitchen-kontrol.dev")).changes is False
    moved = provider.diff("id", old, props("ana@kitchen-kontrol.dev", team="kitchen-kontrol-qa"))
    assert moved.changes is True and moved.replaces == ["team"]


def test_pickled_provider_holds_no_token(fake):
    from pulumi.dynamic.dynamic import serialize_provider

    pickled = base64.b64decode(serialize_provider(TeamMembershipProvider()))
    assert TOKEN.encode() not in pickled and len(pickled) < 200
