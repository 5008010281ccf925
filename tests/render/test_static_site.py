"""The app's frontend: its React build as a Render static site beside the API (the app's own Blueprint),
as `pulumi up -s staging` would declare it, and what watches it."""

from __future__ import annotations

import pytest

from components.render.static_site import RenderStaticSiteArgs
from tests.support.plan import only, resources_of

SITE = "render:services:StaticSite"
WEB = "render:services:WebService"
ENV_VAR = "render:services:EnvVar"
MONITOR = "pulumi-python:dynamic/uptimerobot:Monitor"
OVERRIDE = "pulumi-python:dynamic/render:NotificationOverride"


@pytest.fixture(scope="module")
def site(update_plan):
    return only(update_plan, SITE)


@pytest.fixture(scope="module")
def site_id(update_plan, site):
    """The id Render gave the site, as its dashboard link shows it."""
    return update_plan.outputs["frontendDashboardUrl"].rsplit("/", 1)[1]


def _children(update_plan, site, type_):
    return [r for r in resources_of(update_plan, type_) if r.parent == site.parent]


def test_the_static_site_builds_the_react_app_and_publishes_build(site):
    assert site.protect
    assert site.inputs["name"] == "kitchen-kontrol-teststack-frontend"
    assert site.inputs["repo"] == "https://github.com/rubyrayjuntos/kitchen-kontrol"
    assert site.inputs["branch"] == "main"
    details = site.inputs["serviceDetails"]
    assert details["buildCommand"] == "npm ci && npm run build"
    assert details["publishPath"] == "build"
    # Client-side routes of the single-page app all get index.html.
    assert details["routes"] == [{"type": "rewrite", "source": "/*", "destination": "/index.html", "priority": 0}]
    assert "envVars" not in site.inputs  # beside the site: changing one never replaces it


def test_the_build_gets_the_api_url_and_builds_again_once_it_is_set(update_plan, site, site_id):
    (api_url,) = _children(update_plan, site, ENV_VAR)
    assert api_url.inputs["envVarKey"] == "REACT_APP_API_URL"
    assert api_url.inputs["value"] == update_plan.outputs["appUrl"] == "https://kitchen-kontrol-teststack.onrender.com"
    assert api_url.inputs["serviceId"] == site_id != update_plan.outputs["renderServiceId"]
    (deploy,) = _children(update_plan, site, "render:services:Deploy")
    assert deploy.inputs["serviceId"] == site_id


def test_the_api_no_longer_builds_the_react_app(update_plan):
    web = only(update_plan, WEB)
    assert web.inputs["serviceDetails"]["envSpecificDetails"]["buildCommand"] == "npm ci --omit=dev"
    keys = {r.inputs["envVarKey"] for r in resources_of(update_plan, ENV_VAR) if r.parent == web.parent}
    assert "REACT_APP_API_URL" not in keys


def test_the_site_lives_in_the_stacks_render_environment(update_plan, site, site_id):
    moves = resources_of(update_plan, "render:environments:ResourcesToEnvironment")
    (move,) = [m for m in moves if m.parent == site.parent]
    web_move = next(m for m in moves if m is not move)
    assert move.inputs["resourceIds"] == [site_id]
    assert move.inputs["environmentId"] == web_move.inputs["environmentId"]


def test_render_emails_the_sites_failed_builds(update_plan, site, site_id):
    (override,) = _children(update_plan, site, OVERRIDE)
    assert override.inputs["service_id"] == site_id
    assert override.inputs["notifications_to_send"] == "failure"


def test_outputs_name_the_frontend(update_plan, site_id):
    outputs = update_plan.outputs
    assert outputs["frontendUrl"] == "https://kitchen-kontrol-teststack-frontend.onrender.com"
    assert outputs["frontendDashboardUrl"] == f"https://dashboard.render.com/static/{site_id}"
    assert site_id.startswith("srv-") and site_id != outputs["renderServiceId"]
    assert outputs["frontendUrl"] != outputs["appUrl"]


def test_uptime_covers_the_api_and_the_frontend(update_plan):
    monitors = {m.inputs["name"]: m.inputs for m in resources_of(update_plan, MONITOR)}
    assert monitors["kitchen-kontrol-teststack health"]["url"] == update_plan.outputs["healthUrl"]
    frontend = monitors["kitchen-kontrol-teststack frontend"]
    assert frontend["url"] == update_plan.outputs["frontendUrl"]
    assert frontend["interval"] == 300
    assert len(frontend["assigned_alert_contacts"]) == len(
        monitors["kitchen-kontrol-teststack health"]["assigned_alert_contacts"]
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"publish_path": "/srv/build"}, "publish_path: expected a relative folder inside the repository"),
        ({"publish_path": "../build"}, "publish_path: expected a relative folder inside the repository"),
        ({"build_command": "  "}, "build_command: expected a non-empty value"),
        ({"notifications_to_send": "sometimes"}, "notifications_to_send must be one of"),
    ],
)
def test_bad_arguments_are_refused_at_construction(changes, expected):
    args = {
        "site_name": "kk-frontend",
        "repo": "https://github.com/rubyrayjuntos/kitchen-kontrol",
        "branch": "main",
        "build_command": "npm ci && npm run build",
        "api_url": "https://kk.onrender.com",
    }
    with pytest.raises(ValueError, match=expected):
        RenderStaticSiteArgs(**{**args, **changes})
