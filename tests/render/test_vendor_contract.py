"""The notification override's requests held to Render's published API schema (render-oss/sdk, the subset in
ops/rehearsal/vendor_specs/): the fake refuses what the schema would, our client's real requests pass, the
fake's answers and the plan's placeholder owner list are the schema's."""

from __future__ import annotations

import pytest

from components.render.notifications import NotificationOverrideProvider
from ops.rehearsal.vendor_contract import RENDER, schema_problems
from ops.shared.cloud_answers import invoke_result
from tests.render.conftest import SERVICE
from tests.render.test_notifications import OVERRIDE, props
from tests.support.vendor_contract import answers_off_contract, raw_request


def test_the_vendored_subset_names_its_source():
    source = RENDER.source
    assert source["repository"] == "https://github.com/render-oss/sdk"
    assert source["path"] == "typescript/src/generated/schema.ts"
    assert len(source["commit"]) == 40
    operations = {(m.upper(), p) for p, item in RENDER.document["paths"].items() for m in item if m != "parameters"}
    assert operations == {
        ("GET", "/owners"),
        ("GET", "/notification-settings/overrides/services/{serviceId}"),
        ("PATCH", "/notification-settings/overrides/services/{serviceId}"),
    }


def test_every_request_of_an_override_lifecycle_is_one_the_schema_takes(render):
    provider = NotificationOverrideProvider()
    created = provider.create(props())
    provider.read(SERVICE, created.outs)
    provider.update(SERVICE, props(), props("all", "false"))
    provider.delete(SERVICE, created.outs)
    assert [method for method, *_ in render.calls] == ["PATCH", "GET", "PATCH", "PATCH"]
    assert render.refused == []
    assert answers_off_contract(render) == []


@pytest.mark.parametrize(
    ("method", "body", "content_type", "status", "says"),
    [
        ("PATCH", {"notificationsToSend": "sometimes"}, "application/json", 400, "'sometimes' is not one of"),
        ("PATCH", {"previewNotificationsEnabled": False}, "application/json", 400, "False is not of type 'string'"),
        ("PATCH", None, "application/json", 400, "a JSON request body is required"),
        ("PATCH", b"notificationsToSend=all", "application/x-www-form-urlencoded", 400, "must be application/json"),
        ("POST", {"notificationsToSend": "all"}, "application/json", 405, "it has GET, PATCH"),
    ],
)
def test_the_fake_refuses_what_the_schema_would(render, method, body, content_type, status, says):
    got, answer = raw_request(render, method, OVERRIDE, body, content_type=content_type)
    assert got == status
    assert answer["message"].startswith("refused by the vendor's OpenAPI document") and says in answer["message"]
    assert SERVICE not in render.overrides  # nothing was written


def test_a_path_outside_the_schema_is_unknown(render):
    got, answer = raw_request(render, "GET", "/v1/notification-settings/overrides/srv-kkstaging0001")
    assert got == 404 and "no path of" in answer["message"]


def test_the_placeholder_owner_list_is_renders(render):
    # pulumi-render's listOwners returns Render's GET /owners answer as `items`; the offline plan's stand-in
    # must be one Render could give (the schema requires an owner's email).
    schema = RENDER.operation("GET", "/v1/owners").spec["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema_problems(schema, invoke_result("render:owners:listOwners")["items"]) == []
    assert schema_problems(schema, [{"owner": {"id": "tea-x", "name": "x", "type": "team"}}]) == [
        "at [0].owner: 'email' is a required property"
    ]
