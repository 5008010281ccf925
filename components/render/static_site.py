"""RenderStaticSite: the app's React build as a Render static site, beside the API's web service.

Kitchen Kontrol's `server.js` is an API only (404 at `/`); the app's own Blueprint (`render/render.yaml`)
deploys the React build as a second service, `runtime: static`, published from `build`. Create React App
inlines `REACT_APP_API_URL` into the bundle when it builds, so the API's URL is an env var of the static
site (one `EnvVar` beside it, as for the web service: env vars set on the service itself force a
replacement, pulumi-render#55), and the site is deployed again once it exists. The SPA's client-side
routes are served by one rewrite rule, `/*` -> `/index.html`. Render serves static sites for free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi_render import services

from components import TOKEN_PREFIX
from components.render.notifications import override_problems
from components.render.owner import owner_id_for
from components.render.rollout import roll_out

API_URL_VAR = "REACT_APP_API_URL"
SPA_REWRITE = ("/*", "/index.html")


@dataclass(frozen=True, kw_only=True)
class RenderStaticSiteArgs:
    site_name: str
    repo: str
    branch: str
    build_command: str
    api_url: pulumi.Input[str]  # the API service's public URL, baked into the build as REACT_APP_API_URL
    publish_path: str = "build"
    owner_id: Optional[str] = None
    auto_deploy: bool = True
    environment_id: Optional[pulumi.Input[str]] = None  # the Render environment the site lives in
    notifications_to_send: str = "failure"
    preview_notifications: str = "default"

    def __post_init__(self) -> None:
        problems = [
            why
            for _, why in override_problems(
                {
                    "notifications_to_send": self.notifications_to_send,
                    "preview_notifications_enabled": self.preview_notifications,
                }
            )
        ]
        for key in ("site_name", "build_command"):
            if not getattr(self, key).strip():
                problems.append(f"{key}: expected a non-empty value")
        path = self.publish_path
        if not path or path.startswith("/") or ".." in path.split("/"):
            problems.append(f"publish_path: expected a relative folder inside the repository, got {path!r}")
        if problems:
            raise ValueError("; ".join(problems))


class RenderStaticSite(pulumi.ComponentResource):
    service_id: pulumi.Output[str]
    url: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]
    notifications: pulumi.Output[str]

    def __init__(self, name: str, args: RenderStaticSiteArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}RenderStaticSite", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        owner_id = owner_id_for(args.owner_id, self)
        source, destination = SPA_REWRITE
        site = services.StaticSite(
            f"{name}-site",
            name=args.site_name,
            owner_id=owner_id,
            repo=args.repo,
            branch=args.branch,
            auto_deploy=services.ServiceCreateAutoDeploy.YES
            if args.auto_deploy
            else services.ServiceCreateAutoDeploy.NO,
            service_details=services.StaticSiteDetailsCreateArgs(
                build_command=args.build_command,
                publish_path=args.publish_path,
                routes=[
                    services.RouteCreateArgs(
                        type=services.RouteCreateType.REWRITE, source=source, destination=destination, priority=0
                    )
                ],
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        api_url_value = pulumi.Output.from_input(args.api_url).apply(lambda url: url.rstrip("/"))
        api_url = services.EnvVar(
            f"{name}-env-react-app-api-url",
            service_id=site.id,
            env_var_key=API_URL_VAR,
            value=api_url_value,
            opts=child,
        )
        # The site's first build runs before its env var exists (a bundle without the API's URL): roll_out builds
        # again. A later change of the API's URL needs a build by hand (docs/frontend.md): `replacement_trigger` on
        # that Deploy would do it, but the SDK (3.272) cannot pass it through the stack transform production registers.
        notifications = roll_out(
            name,
            self,
            site.id,
            build_needs=[api_url],
            environment_id=args.environment_id,
            notifications_to_send=args.notifications_to_send,
            preview_notifications=args.preview_notifications,
        )

        self.service_id = site.id
        self.url = site.service_details.apply(_site_url)
        self.dashboard_url = site.dashboard_url
        self.notifications = notifications.notifications_to_send
        self.register_outputs(
            {
                "service_id": self.service_id,
                "url": self.url,
                "dashboard_url": self.dashboard_url,
                "notifications": self.notifications,
            }
        )


def _site_url(details) -> str:
    # In a preview of a create the URL is unknown, and Pulumi does not run this at all.
    if details is not None and details.url:
        return details.url
    raise pulumi.RunError("Render returned no URL for the static site")
