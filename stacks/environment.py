"""Wiring of one environment: settings in, components declared, stack outputs out."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.alarms import DatabaseAlarms, DatabaseAlarmsArgs
from components.app_secrets import AppSecrets, AppSecretsArgs
from components.database import PostgresDatabase, PostgresDatabaseArgs
from components.error_tracking import ErrorTracking, ErrorTrackingArgs
from components.rds_ca import BUNDLE_FILE_NAME, bundle_pem, secret_file_path
from components.render.environment import RenderEnvironment, RenderEnvironmentArgs
from components.render.static_site import RenderStaticSite, RenderStaticSiteArgs
from components.restore import DatabaseRestoreSpec
from components.uptime import OnCallContact, UptimeMonitor, UptimeMonitorArgs
from components.web_service import RenderWebService, RenderWebServiceArgs
from stacks.guard import is_production
from stacks.settings import PROJECT, Settings


@dataclass(frozen=True)
class Environment:
    database: PostgresDatabase
    secrets: AppSecrets
    errors: ErrorTracking
    render_environment: RenderEnvironment
    web: RenderWebService
    frontend: RenderStaticSite
    uptime: UptimeMonitor
    alarms: DatabaseAlarms


def build_environment(settings: Settings) -> Environment:
    app, render, db, monitoring = settings.app, settings.render, settings.database, settings.monitoring
    slack = monitoring.slack_alerts
    prefix = settings.resource_prefix
    # Amazon RDS's CA bundle reaches the app as a Render secret file; DATABASE_URL's sslrootcert names it.
    ca_file = secret_file_path(BUNDLE_FILE_NAME)

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
            snapshots=db.snapshots,
            restore=_restore_spec(settings),
            retired=dict(db.retired_instances),
            ca_file_path=ca_file,
            region=settings.aws_region,
        ),
    )
    secrets = AppSecrets(f"{prefix}-secrets", AppSecretsArgs(database_url=database.connection_url))
    errors = ErrorTracking(
        f"{prefix}-sentry",
        ErrorTrackingArgs(
            organization=monitoring.sentry_organization,
            # The environment's own team: staging and production never share a Sentry object.
            team_slug=f"{monitoring.sentry_team}-{settings.stack}",
            project_slug=prefix,
            environment=settings.stack,
            app_environment=app.node_env,
            oncall_emails=monitoring.emails,
            slack_integration_id=slack.sentry_integration_id if slack else None,
            slack_channel=slack.channel if slack else None,
        ),
    )
    # Production's environment is protected: only Render workspace admins may delete or change it by hand.
    # Production by its name or by its values (`appNodeEnv: production`), as the guard decides.
    render_environment = RenderEnvironment(
        f"{prefix}-render",
        RenderEnvironmentArgs(
            project_name=PROJECT,
            environment_name=settings.stack,
            protected=is_production(settings.stack, app.node_env),
            owner_id=render.owner_id,
            project_id=render.project_id,
        ),
    )
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
            environment_id=render_environment.environment_id,
            notifications_to_send=render.notifications,
            preview_notifications=render.preview_notifications,
            pre_deploy_command=app.pre_deploy_command or None,
            # NODE_EXTRA_CA_CERTS: any other TLS client of the app trusts RDS's CAs too (read by Node at start).
            env={
                "NODE_ENV": app.node_env,
                "PORT": str(app.port),
                "LOG_LEVEL": app.log_level,
                "NODE_EXTRA_CA_CERTS": ca_file,
            },
            secret_files={BUNDLE_FILE_NAME: bundle_pem()},
            secret_env={
                "DATABASE_URL": secrets.database_url,
                "JWT_SECRET": secrets.jwt_secret,
                "SENTRY_DSN": errors.dsn,
            },
        ),
    )
    # The app's own Blueprint: the React build is a static site of its own; server.js serves the API only.
    frontend = RenderStaticSite(
        f"{prefix}-frontend",
        RenderStaticSiteArgs(
            site_name=f"{prefix}-frontend",
            owner_id=render.owner_id,
            repo=app.repo,
            branch=app.branch,
            build_command=app.frontend_build_command,
            publish_path=app.frontend_publish_path,
            api_url=web.url,
            environment_id=render_environment.environment_id,
            notifications_to_send=render.notifications,
            preview_notifications=render.preview_notifications,
        ),
    )
    uptime = UptimeMonitor(
        f"{prefix}-uptime",
        UptimeMonitorArgs(
            monitor_name=f"{prefix} health",
            health_url=web.health_url,
            frontend_url=frontend.url,
            frontend_monitor_name=f"{prefix} frontend",
            contacts=[OnCallContact(name=c.name, email=c.email) for c in monitoring.contacts],
            interval_seconds=monitoring.uptime_interval_seconds,
            failure_threshold=monitoring.uptime_failure_threshold,
            slack_channel=slack.channel if slack else None,
        ),
    )
    alarms = DatabaseAlarms(
        f"{prefix}-db-alarms",
        DatabaseAlarmsArgs(
            db_instance_identifier=database.identifier,
            emails=monitoring.emails,
            cpu_percent=monitoring.alarm_cpu_percent,
            free_storage_gib=monitoring.alarm_free_storage_gib,
            connections=monitoring.alarm_connections,
            tags=settings.tags,
            slack_workspace_id=slack.workspace_id if slack else None,
            slack_channel_id=slack.channel_id if slack else None,
        ),
    )
    return Environment(
        database=database,
        secrets=secrets,
        errors=errors,
        render_environment=render_environment,
        web=web,
        frontend=frontend,
        uptime=uptime,
        alarms=alarms,
    )


def _restore_spec(settings: Settings) -> DatabaseRestoreSpec | None:
    restore = settings.database.restore
    if restore is None:
        return None
    return DatabaseRestoreSpec(
        suffix=restore.suffix(settings.resource_prefix),
        point_in_time=restore.point_in_time,
        snapshot=restore.snapshot,
        source_db_instance=restore.source_db_instance,
    )


def export_outputs(env: Environment) -> None:
    pulumi.export("appUrl", env.web.url)
    pulumi.export("healthUrl", env.web.health_url)
    pulumi.export("frontendUrl", env.frontend.url)
    pulumi.export("frontendDashboardUrl", env.frontend.dashboard_url)
    pulumi.export("databaseEndpoint", env.database.endpoint)
    pulumi.export("databaseInstance", env.database.identifier)
    pulumi.export("renderServiceId", env.web.service_id)
    pulumi.export("renderDashboardUrl", env.web.dashboard_url)
    pulumi.export("renderProjectId", env.render_environment.project_id)
    pulumi.export("renderNotifications", env.web.notifications)
    pulumi.export("sentryProjectUrl", env.errors.project_url)
    pulumi.export("uptimeMonitorId", env.uptime.monitor_id)
    pulumi.export("uptimeDashboardUrl", env.uptime.dashboard_url)
    pulumi.export("alarmTopicArn", env.alarms.topic_arn)
    # Secrets: `pulumi stack output --show-secrets NAME`.
    pulumi.export("databaseUrl", env.secrets.database_url)
    pulumi.export("sentryDsn", env.errors.dsn)
