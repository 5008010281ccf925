"""Rules and defaults that the stack settings and the components both enforce, written once.

Standard library only: `stacks/settings.py` reads them before any provider SDK is imported, and the
components check them again at construction so each one is safe when used on its own.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Optional

# The dedicated VPC: a private IPv4 range, wide enough for two zones' subnets (/18 each at /16).
DEFAULT_VPC_CIDR = "10.42.0.0/16"
VPC_PREFIX_RANGE = (16, 24)

# Who may reach PostgreSQL: narrow client ranges only (Render's outbound IPs), never the internet.
MIN_CLIENT_PREFIX = {4: 16, 6: 32}

# A PostgreSQL identifier (RDS DBName); RDS master user names are shorter (16 characters).
POSTGRES_NAME_PATTERN = r"^[a-z_][a-z0-9_]{0,62}$"
RDS_MASTER_USERNAME_PATTERN = r"^[a-z_][a-z0-9_]{0,15}$"
RDS_RESERVED_USERNAMES = frozenset({"rdsadmin", "rds_superuser", "postgres"})

# Sentry organization, team and project slugs.
SENTRY_SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,49}$"
SENTRY_SLUG = re.compile(SENTRY_SLUG_PATTERN)

# UptimeRobot: the free plan checks at most every 5 minutes, so that is the default; paid plans go to 60 s.
FREE_PLAN_MIN_INTERVAL_SECONDS = 300
MIN_UPTIME_INTERVAL_SECONDS = 60

# Render's notification override of a service (PATCH /v1/notification-settings/overrides/services/{id}).
RENDER_NOTIFICATIONS = ("default", "all", "failure", "none")
RENDER_PREVIEW_NOTIFICATIONS = ("default", "true", "false")
RENDER_PROJECT_ID_PATTERN = r"^prj-[a-z0-9]{10,40}$"

# Slack: a channel by name (#alerts; lowercase, as Slack names them), by id (C… public, G… private), a workspace id.
SLACK_CHANNEL_PATTERN = r"^#[a-z0-9][a-z0-9._-]{0,79}$"
SLACK_CHANNEL_ID_PATTERN = r"^[CG][A-Z0-9]{8,20}$"
SLACK_TEAM_ID_PATTERN = r"^T[A-Z0-9]{8,20}$"


def vpc_cidr_problem(value: str) -> Optional[str]:
    """Why `value` cannot be the dedicated VPC's range; None when it can."""
    low, high = VPC_PREFIX_RANGE
    expected = f"expected a private IPv4 CIDR between /{low} and /{high}, such as {DEFAULT_VPC_CIDR}"
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return expected
    if network.version != 4 or not network.is_private or not low <= network.prefixlen <= high:
        return expected
    return None


def client_cidr_problem(value: str) -> Optional[str]:
    """Why `value` may not reach the database; None when it may. Never echoes anything but an address."""
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return f"{_shown(value)} is not a CIDR; expected one such as 203.0.113.7/32 (host bits zero)"
    if network.prefixlen < MIN_CLIENT_PREFIX[network.version]:
        return (
            f"{_shown(value)} is too wide; expected narrow client ranges (IPv4 /{MIN_CLIENT_PREFIX[4]} or longer); "
            "0.0.0.0/0 is never allowed"
        )
    return None


def _shown(value: str) -> str:
    """An entry quoted in an error only when it is plainly an address (never a pasted secret)."""
    return value if re.fullmatch(r"[0-9A-Fa-f.:/]{1,49}", value) else "the entry"
