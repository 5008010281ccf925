"""TeamMembership's requests held to Sentry's published OpenAPI document (getsentry/sentry-api-schema,
`openapi-derefed.json`, the subset in ops/rehearsal/vendor_specs/): the fake refuses what the document would,
our client's real requests pass, and the fake's answers are the document's."""

from __future__ import annotations

import json

import pytest

from components.sentry.api import SentryApi
from components.sentry.membership import TeamMembershipProvider
from ops.rehearsal.vendor_contract import SENTRY
from tests.support.sentry import ORG, TEAM, props
from tests.support.vendor_contract import answers_off_contract, raw_request

LISTING = f"/api/0/organizations/{ORG}/members/"
TEAM_PATH = f"{LISTING}101/teams/{TEAM}/"


def test_the_vendored_subset_names_its_source():
    source = SENTRY.source
    assert source["repository"] == "https://github.com/getsentry/sentry-api-schema"
    assert source["path"] == "openapi-derefed.json"
    assert len(source["commit"]) == 40
    operations = {(m.upper(), p) for p, item in SENTRY.document["paths"].items() for m in item if m != "parameters"}
    assert operations == {
        ("GET", "/api/0/organizations/{organization_id_or_slug}/members/"),
        ("GET", "/api/0/organizations/{organization_id_or_slug}/members/{member_id}/"),
        ("POST", "/api/0/organizations/{organization_id_or_slug}/members/{member_id}/teams/{team_id_or_slug}/"),
        ("DELETE", "/api/0/organizations/{organization_id_or_slug}/members/{member_id}/teams/{team_id_or_slug}/"),
    }


def test_every_request_of_a_membership_lifecycle_is_one_the_document_takes(fake):
    provider = TeamMembershipProvider()
    provider.check({}, props("ana@kitchen-kontrol.dev"))
    created = provider.create(props("ana@kitchen-kontrol.dev"))
    provider.read(created.id, created.outs)
    provider.delete(created.id, created.outs)
    assert {method for method, _ in fake.calls} == {"GET", "POST", "DELETE"}
    assert fake.refused == []
    assert answers_off_contract(fake) == []


def test_the_fakes_answers_are_the_documents(fake):
    # What the client reads: the member's `teams` (detail) and `email` (listing); what a join answers: a team.
    TeamMembershipProvider().create(props("ana@kitchen-kontrol.dev"))
    statuses = {(method, status) for method, _, status, _ in fake.answered}
    assert ("POST", 201) in statuses
    post = next(payload for method, _, status, payload in fake.answered if method == "POST")
    assert post["slug"] == TEAM and post["isMember"] is True
    assert answers_off_contract(fake) == []


def test_the_member_search_is_not_in_the_document_and_the_client_does_not_depend_on_it(fake):
    # Sentry's published document lists only `cursor` for the member listing: `query=email:…` is a hint the
    # client may send, never what it trusts. Against a Sentry that ignores it, the client pages and matches.
    assert SENTRY.undocumented_query("GET", LISTING, "query=email%3Aana%40kitchen-kontrol.dev") == ["query"]
    fake.honour_query = False
    fake.page_size = 1
    for n in range(5):
        fake.add_member(f"cook{n}@kitchen-kontrol.dev")
    member = SentryApi.from_environment().find_member(ORG, "bo@kitchen-kontrol.dev")
    assert member is not None and member["id"] == "102"
    assert fake.calls.count(("GET", LISTING)) == 2  # the second page held Bo, no further page was asked


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("GET", f"/api/0/organizations/{ORG}/teams/", None, 404, "no path of"),
        ("PATCH", TEAM_PATH, None, 405, "it has POST, DELETE"),
        ("POST", TEAM_PATH, {"role": "admin"}, 400, "takes no request body"),
    ],
)
def test_the_fake_refuses_what_the_document_would(fake, method, path, body, status, says):
    got, answer = raw_request(fake, method, path, body)
    assert got == status
    assert answer["detail"].startswith("refused by the vendor's OpenAPI document") and says in answer["detail"]
    assert fake.members["101"]["teams"] == ["kitchen-kontrol-production"]  # nothing changed


def test_a_sent_body_reaches_the_check(fake):
    got, _ = raw_request(fake, "POST", TEAM_PATH, json.dumps({}).encode())
    assert got == 400 and "takes no request body" in fake.refused[-1]
