"""checked-during-update: what a preview could not judge, once per rule at the stack level."""

from __future__ import annotations

from pulumi.output import Unknown

from policies.rules._preview_notes import PreviewUnknowns
from tests.support.policy import WEB_SERVICE, baseline, preview_notes

NOTE = "values known only during the update; the update checks them and fails closed"


def test_a_preview_with_many_unknowns_is_one_note_per_rule_counting_resources(analyze):
    services = [
        analyze.record(WEB_SERVICE, baseline(WEB_SERVICE, envVars=[{"key": "X", "value": Unknown()}]), name=f"web-{i}")
        for i in range(3)
    ]
    for service in services:
        assert analyze(WEB_SERVICE, service.inputs, dry_run=True, name=service.name) == []
    pack = analyze.packs[("staging", True)]
    assert preview_notes(pack, services, "no-production-secrets") == [f"no-production-secrets: 3 resources have {NOTE}"]
    # Forgotten once reported: the next operation of the same pack process starts empty.
    assert preview_notes(pack, services, "no-production-secrets") == []


def test_an_update_never_notes_it_fails_closed_on_the_resource(analyze):
    props = baseline(WEB_SERVICE, envVars=[{"key": "X", "value": Unknown()}])
    update = analyze(WEB_SERVICE, props, policy="no-production-secrets")
    assert [d.enforcement_level for d in update] == ["mandatory"]
    assert preview_notes(analyze.packs[("staging", False)], [analyze.record(WEB_SERVICE, props)], "") == []


def test_only_resources_of_the_analyzed_stack_count():
    unknowns = PreviewUnknowns()
    unknowns.record("b-rule", {"urn:pulumi:staging::p::t::one", "urn:pulumi:staging::p::t::gone"})
    unknowns.record("a-rule", {'stack "staging"'})
    assert unknowns.take({"urn:pulumi:staging::p::t::one"}) == {"a-rule": 1, "b-rule": 1}
    assert unknowns.take({"urn:pulumi:staging::p::t::one"}) == {}
