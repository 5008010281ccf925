"""RenderWebService: the Node web service on Render, with its env vars managed beside it, its place
in the stack's Render environment and its failure notifications.

Env vars set on the WebService itself force a replacement of the service (pulumi-render#55);
one `EnvVar` resource per variable updates in place, so changing one never touches the others.
Likewise the environment: `environmentId` is a create-only property of the service (Render's
`PATCH /services/{id}` cannot change it), so the service is moved with `ResourcesToEnvironment`
(`POST /environments/{id}/resources`), which leaves an existing service in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
from pulumi_render import services

from components import TOKEN_PREFIX
from components.render.notifications import override_problems
from components.render.owner import owner_id_for
from components.render.rollout import roll_out

# REACT_APP_API_URL is the frontend static site's build-time variable (components/render/static_site.py).
DERIVED_URL_VARS = ("API_URL",)
_ENV_KEY = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_SECRET_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True, kw_only=True)
class RenderWebServiceArgs:
    service_name: str
    repo: str
    branch: str
    build_command: str
    start_command: str
    health_check_path: str
    region: str = "oregon"
    plan: str = "starter"
    instances: int = 1
    owner_id: Optional[str] = None
    custom_domain: Optional[str] = None
    auto_deploy: bool = True
    env: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    secret_env: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    # Render secret files (name -> content), mounted at /etc/secrets/<name>; one SecretFile each, beside the service.
    secret_files: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    # Runs after the build and before the new instances start (migrations); a failure fails the deploy.
    pre_deploy_command: Optional[str] = None
    environment_id: Optional[pulumi.Input[str]] = None  # the Render environment the service lives in
    # Render's notification override: failure = failed deploys, suspension, failed health checks.
    notifications_to_send: str = "failure"
    preview_notifications: str = "default"

    def __post_init__(self) -> None:
        choices = {"notifications_to_send": self.notifications_to_send}
        choices["preview_notifications_enabled"] = self.preview_notifications
        problems = override_problems(choices)
        if problems:
            raise ValueError("; ".join(why for _, why in problems))
        keys = [*self.env, *self.secret_env]
        bad = sorted(k for k in keys if not _ENV_KEY.match(k))
        if bad:
            raise ValueError(f"env: expected UPPER_SNAKE_CASE names, got {', '.join(bad)}")
        clashes = sorted(set(self.env) & set(self.secret_env) | set(keys) & set(DERIVED_URL_VARS))
        if clashes:
            raise ValueError(f"env: {', '.join(clashes)} set twice (API_URL is derived)")
        bad_files = sorted(n for n in self.secret_files if not _SECRET_FILE_NAME.match(n))
        if bad_files:
            raise ValueError(f"secret_files: expected file names of letters, digits, . _ -, got {', '.join(bad_files)}")
        if self.pre_deploy_command is not None and not self.pre_deploy_command.strip():
            raise ValueError("pre_deploy_command: expected a command, or None for no pre-deploy step")
        if not self.health_check_path.startswith("/"):
            raise ValueError("health_check_path: expected a path starting with /")


class RenderWebService(pulumi.ComponentResource):
    service_id: pulumi.Output[str]
    url: pulumi.Output[str]
    health_url: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]
    notifications: pulumi.Output[str]

    def __init__(self, name: str, args: RenderWebServiceArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}RenderWebService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        owner_id = owner_id_for(args.owner_id, self)
        service = services.WebService(
            f"{name}-service",
            name=args.service_name,
            owner_id=owner_id,
            repo=args.repo,
            branch=args.branch,
            auto_deploy=services.ServiceCreateAutoDeploy.YES
            if args.auto_deploy
            else services.ServiceCreateAutoDeploy.NO,
            service_details=services.WebServiceDetailsCreateArgs(
                runtime=services.WebServiceDetailsCreateRuntime.NODE,
                plan=args.plan,
                region=args.region,
                num_instances=args.instances,
                health_check_path=args.health_check_path,
                pre_deploy_command=args.pre_deploy_command,
                env_specific_details=services.EnvSpecificDetailsCreateArgs(
                    build_command=args.build_command, start_command=args.start_command
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )

        if args.custom_domain:
            services.CustomDomain(f"{name}-domain", service_id=service.id, name=args.custom_domain, opts=child)
            public_url: pulumi.Output[str] = pulumi.Output.from_input(f"https://{args.custom_domain}")
        else:
            # Derived from the service's own output: the env vars depend on the service, never the reverse.
            public_url = service.service_details.apply(_service_url)

        env_vars = []
        plain = {**args.env, **dict.fromkeys(DERIVED_URL_VARS, public_url)}
        for key, value in sorted(plain.items()):
            env_vars.append(self._env_var(name, service, key, value, secret=False))
        for key, value in sorted(args.secret_env.items()):
            env_vars.append(self._env_var(name, service, key, value, secret=True))

        # Render stores a secret file's content as it does a secret env var's: marked secret here too.
        secret_files = [
            services.SecretFile(
                f"{name}-file-{file_name.lower().replace('.', '-').replace('_', '-')}",
                service_id=service.id,
                secret_file_name=file_name,
                content=pulumi.Output.secret(content),
                opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["content"]),
            )
            for file_name, content in sorted(args.secret_files.items())
        ]

        notifications = roll_out(
            name,
            self,
            service.id,
            build_needs=[*env_vars, *secret_files],
            environment_id=args.environment_id,
            notifications_to_send=args.notifications_to_send,
            preview_notifications=args.preview_notifications,
        )

        self.service_id = service.id
        self.notifications = notifications.notifications_to_send
        self.url = public_url
        self.health_url = public_url.apply(lambda url: f"{url.rstrip('/')}{args.health_check_path}")
        self.dashboard_url = service.dashboard_url
        self.register_outputs(
            {
                "service_id": self.service_id,
                "url": self.url,
                "health_url": self.health_url,
                "dashboard_url": self.dashboard_url,
                "notifications": self.notifications,
            }
        )

    def _env_var(self, name: str, service: services.WebService, key: str, value, *, secret: bool) -> services.EnvVar:
        # The Render SDK does not mark env var values secret; do it here.
        return services.EnvVar(
            f"{name}-env-{key.lower().replace('_', '-')}",
            service_id=service.id,
            env_var_key=key,
            value=pulumi.Output.secret(value) if secret else value,
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["value"] if secret else []),
        )


def _service_url(details) -> str:
    # In a preview of a create the URL is unknown, and Pulumi does not run this at all.
    if details is not None and details.url:
        return details.url
    raise pulumi.RunError("Render returned no URL for the web service")
