"""What Sentry's clients are told: the token's variables and scopes, the API's address and names for messages,
and what is raised. No HTTP here (components/sentry/api.py is the client), so the program that declares a
TeamMembership does not load the HTTP stack."""

from __future__ import annotations

import functools
import urllib.parse

from components.saas_http import ApiError, Service
from components.sentry.tokens import UP_SCOPES

DEFAULT_BASE_URL = "https://sentry.io/api/"
TOKEN_ENV = ("SENTRY_AUTH_TOKEN", "SENTRY_TOKEN")  # the Sentry provider reads them in this order
BASE_URL_ENV = "SENTRY_BASE_URL"
SCOPES = UP_SCOPES  # what the errors below say a token needs
SERVICE = Service(
    name="Sentry",
    env_prefix="SENTRY",
    default_url=DEFAULT_BASE_URL,
    credential_help=f"export SENTRY_AUTH_TOKEN: {SCOPES}",
    url_setting=BASE_URL_ENV,
    user_agent="kitchen-kontrol-infra-sentry/2",
)
quote = functools.partial(urllib.parse.quote, safe="")

SentryError = ApiError  # a Sentry API problem, worded for the person running `pulumi up`; never holds the token


class NotAMember(ApiError):
    pass
