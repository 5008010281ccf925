"""The frontend's bundle holds the API's URL (REACT_APP_API_URL, inlined when it builds): through the real
engine, a change of the API's URL updates the static site's variable and touches neither the site nor the API's
service (the build that picks it up is a step of its own: docs/frontend.md); an unrelated change touches nothing
of the frontend."""

from __future__ import annotations

from tests.support.engine import preview_with


def test_a_new_api_url_updates_the_frontends_variable_in_place(staging_rehearsal):
    flags = staging_rehearsal.policy_flags()
    steps = preview_with(staging_rehearsal, "renderCustomDomain", "staging.kitchen.example.com", *flags)
    frontend = {(s.op, s.type) for s in steps if "-frontend-" in s.name and s.op not in ("same", "read")}
    assert frontend == {("update", "render:services:EnvVar")}  # REACT_APP_API_URL = https://staging.kitchen…
    # Without --show-sames only changes are listed: neither service is among them.
    assert not [s for s in steps if s.type in ("render:services:StaticSite", "render:services:WebService")]


def test_an_unrelated_change_does_not_touch_the_frontend(log_level_change):
    assert not [s for s in log_level_change if "-frontend-" in s.name and s.op not in ("same", "read")]
