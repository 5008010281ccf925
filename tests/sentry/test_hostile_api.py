"""TeamMembership against a hostile Sentry (the stateful fake, over real HTTP and TLS on loopback):
redirects off the API, lost replies after the change was applied, rate limits, pagination, hangs,
an outage during a preview, and tokens that hold line breaks. Each case failed on the urllib client."""

from __future__ import annotations

import time

import pytest

from components.saas_http import BadCredentialError, IncompleteListing, RetryBudgetExceeded
from components.sentry.membership import SentryError, TeamMembershipProvider
from ops.rehearsal.sentry_fake import FakeSentry
from tests.support.sentry import MEMBERS, ORG, TEAM, TEAMS, TOKEN, assert_no_token, props

ANA = "ana@kitchen-kontrol.dev"
TEAM_PATH = rf"/api/0/organizations/{ORG}/members/101/teams/{TEAM}/"
LISTING = rf"/api/0/organizations/{ORG}/members/"


@pytest.fixture
def other():
    """A second Sentry-like server: where a redirect would take the token."""
    with FakeSentry(TOKEN, ORG, MEMBERS, set(TEAMS)) as server:
        yield server


def test_302_to_another_host_is_refused_and_the_token_stays_home(fake, other):
    away = other.base_url.replace("127.0.0.1", "localhost") + f"0/organizations/{ORG}/members/"
    fake.inject("GET", LISTING, "redirect", status=302, location=away)
    with pytest.raises(SentryError, match=r"redirected \(302\) to http://localhost:\d+.*SENTRY_BASE_URL") as info:
        TeamMembershipProvider().create(props(ANA))
    assert other.calls == [] and other.seen_auth == []
    assert fake.members["101"]["teams"] == ["kitchen-kontrol-production"]
    assert_no_token(info.value)


def test_redirect_from_https_down_to_http_is_refused(certs, monkeypatch, other):
    cert, key = certs.leaf("sentry-fake")
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca()[0]))
    with FakeSentry(TOKEN, ORG, MEMBERS, set(TEAMS), tls=(cert, key)) as secure:
        monkeypatch.setenv("SENTRY_AUTH_TOKEN", TOKEN)
        monkeypatch.setenv("SENTRY_BASE_URL", secure.base_url)
        assert TeamMembershipProvider().check({}, props(ANA)).failures == []  # TLS itself works
        secure.inject(
            "GET", LISTING, "redirect", status=301, location=other.base_url + f"0/organizations/{ORG}/members/"
        )
        with pytest.raises(SentryError, match=r"redirected \(301\) to http://127\.0\.0\.1") as info:
            TeamMembershipProvider().create(props(ANA))
    assert other.seen_auth == []
    assert_no_token(info.value)


def test_reply_lost_after_sentry_added_the_member_is_looked_up_not_repeated(fake):
    fake.inject("POST", TEAM_PATH, "drop", commit=True)  # applied; the connection closes unanswered
    created = TeamMembershipProvider().create(props(ANA))
    assert created.outs["member_id"] == "101"
    assert fake.members["101"]["teams"] == ["kitchen-kontrol-production", TEAM]
    assert fake.calls.count(("POST", TEAM_PATH)) == 1  # looked up, not posted again


def test_502_after_sentry_added_the_member_is_looked_up_not_repeated(fake):
    fake.inject("POST", TEAM_PATH, "502", commit=True)
    TeamMembershipProvider().create(props(ANA))
    assert fake.members["101"]["teams"] == ["kitchen-kontrol-production", TEAM]
    assert fake.calls.count(("POST", TEAM_PATH)) == 1
    assert fake.calls[-1] == ("GET", f"/api/0/organizations/{ORG}/members/101/")


def test_429_waits_for_retry_after_then_succeeds(fake):
    fake.inject("POST", TEAM_PATH, "429", retry_after="1")
    TeamMembershipProvider().create(props(ANA))
    posts = [t for (method, path), t in zip(fake.calls, fake.times, strict=True) if method == "POST"]
    assert len(posts) == 2 and posts[1] - posts[0] >= 0.95  # Retry-After honoured, then done
    assert TEAM in fake.members["101"]["teams"]


def test_member_found_only_on_a_later_page_through_the_link_header(fake):
    # Sentry's search matches loosely: "ana@…" also finds joana@… and diana@…, listed first.
    fake.members.clear()
    for email in ("joana@kitchen-kontrol.dev", "diana@kitchen-kontrol.dev", "xana@kitchen-kontrol.dev", ANA):
        fake.add_member(email)
    fake.page_size = 1
    provider = TeamMembershipProvider()
    assert provider.check({}, props(ANA)).failures == []
    created = provider.create(props(ANA))
    assert created.outs["member_id"] == "104"
    assert fake.calls.count(("GET", LISTING)) == 2 * 4  # every page, once per lookup, and no further


def test_a_listing_past_the_page_cap_fails_clearly_and_changes_nothing(fake, monkeypatch):
    monkeypatch.setenv("SENTRY_MAX_PAGES", "3")
    fake.endless, fake.page_size = True, 1
    with pytest.raises(IncompleteListing, match=r"more than 3 pages of members.*SENTRY_MAX_PAGES.*ana@") as info:
        TeamMembershipProvider().create(props("ana@kitchen-kontrol.dev.example"))
    assert fake.calls.count(("GET", LISTING)) == 3 and not any(m == "POST" for m, _ in fake.calls)
    assert_no_token(info.value)


def test_a_hanging_sentry_is_cut_at_the_configured_deadline(fake, monkeypatch):
    monkeypatch.setenv("SENTRY_REQUEST_TIMEOUT", "0.3")
    monkeypatch.setenv("SENTRY_RETRY_TIMEOUT", "1")
    fake.inject("GET", LISTING, "hang", delay=5.0, times=100)
    start = time.monotonic()
    with pytest.raises(RetryBudgetExceeded, match=r"1s retry budget.*no complete answer within [0-9.]+s.*SENTRY_RETRY"):
        TeamMembershipProvider().create(props(ANA))
    assert time.monotonic() - start < 2.5  # not 30 s per call


def test_check_during_an_outage_is_an_error_not_a_silent_pass(fake, monkeypatch):
    monkeypatch.setenv("SENTRY_RETRY_TIMEOUT", "1.5")
    fake.inject("GET", LISTING, "502", times=100)
    with pytest.raises(SentryError, match=rf"could not check that {ANA} is a member.*server error \(502\)") as info:
        TeamMembershipProvider().check({}, props(ANA))
    assert_no_token(info.value)


@pytest.mark.parametrize("ending", ["\r\n", "\n", " \t"])
def test_a_token_saved_with_a_line_ending_is_stripped_and_works(fake, monkeypatch, ending):
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", TOKEN + ending)  # a token file saved on Windows
    provider = TeamMembershipProvider()
    assert provider.check({}, props(ANA)).failures == []
    provider.create(props(ANA))
    assert set(fake.seen_auth) == {f"Bearer {TOKEN}"}


@pytest.mark.parametrize("method", ["check", "create"])
def test_a_token_with_a_line_break_inside_is_refused_without_leaking(fake, monkeypatch, method):
    broken = TOKEN[:10] + "\r\n" + TOKEN[10:]
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", broken)
    provider = TeamMembershipProvider()
    call = (lambda: provider.check({}, props(ANA))) if method == "check" else (lambda: provider.create(props(ANA)))
    with pytest.raises(BadCredentialError, match="SENTRY_AUTH_TOKEN holds a control character") as info:
        call()
    assert fake.calls == []  # refused before anything was sent
    assert_no_token(info.value, broken)
    assert info.value.__cause__ is None and info.value.__suppress_context__
