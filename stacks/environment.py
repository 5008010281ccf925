"""Wiring of one environment: settings in, components declared, stack outputs out."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.app_secrets import AppSecrets, AppSecretsArgs
from components.database import PostgresDatabase, PostgresDatabaseArgs
from components.web_service import RenderWebService, RenderWebServiceArgs
from stacks.settings import Settings


@dataclass(frozen=True)
class Environment:
    database: PostgresDatabase
    secrets: AppSecrets
    web: RenderWebService


def build_environment(settings: Settings) -> Environment:
    app, render, db = settings.app, settings.render, settings.database
    prefix = settings.resource_prefix

    database = PostgresDatabase(
        f"{prefix}-db",
        PostgresDatabaseArgs(
            identifier=prefix,
            db_name=db.name,
            username=db.username,
            allowed_cidrs=db.allowed_cidrs,
            engine_version=db.engine_version,
            instance_class=db.instance_class,
            allocated_storage=db.allocated_storage,
            max_allocated_storage=db.max_allocated_storage,
            backup_retention_days=db.backup_retention_days,
            deletion_protection=db.deletion_protection,
            vpc_id=db.vpc_id,
            vpc_cidr=db.vpc_cidr,
            tags=settings.tags,
        ),
    )
    secrets = AppSecrets(f"{prefix}-secrets", AppSecretsArgs(database_url=database.connection_url))
    web = RenderWebService(
        f"{prefix}-web",
        RenderWebServiceArgs(
            service_name=prefix,
            owner_id=render.owner_id,
            repo=app.repo,
            branch=app.branch,
            build_command=app.build_command,
            start_command=app.start_command,
            health_check_path=app.health_path,
            region=render.region,
            plan=render.plan,
            instances=render.instances,
            custom_domain=render.custom_domain,
            env={"NODE_ENV": app.node_env, "PORT": str(app.port), "LOG_LEVEL": app.log_level},
            secret_env={"DATABASE_URL": secrets.database_url, "JWT_SECRET": secrets.jwt_secret},
        ),
    )
    return Environment(database=database, secrets=secrets, web=web)


def export_outputs(env: Environment) -> None:
    pulumi.export("appUrl", env.web.url)
    pulumi.export("healthUrl", env.web.health_url)
    pulumi.export("databaseEndpoint", env.database.endpoint)
    pulumi.export("renderServiceId", env.web.service_id)
    pulumi.export("renderDashboardUrl", env.web.dashboard_url)
    pulumi.export("databaseUrl", env.secrets.database_url)  # secret: `pulumi stack output --show-secrets`
