"""What the UptimeRobot client is told: the API's address, its default limits and names for messages. No HTTP
here (client.py is the client), so the program that declares monitors and contacts does not load the HTTP stack."""

from __future__ import annotations

from components.saas_http import Service

DEFAULT_API_URL = "https://api.uptimerobot.com/v3"
DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_RETRY_BUDGET = 120.0
# The free plan allows 10 requests/minute (since July 2021); Pro users raise it.
DEFAULT_REQUESTS_PER_MINUTE = 10.0
# 25,000 objects at 50 a page: far past any account this project manages, short of forever.
DEFAULT_MAX_PAGES = 500

# Never `pulumi config set --secret`: that writes the key into the stack file (README, Credentials).
KEY_HELP = "provide uptimerobot:apiKey from a Pulumi ESC environment, or export UPTIMEROBOT_API_KEY=<key>"

SERVICE = Service(
    name="UptimeRobot",
    env_prefix="UPTIMEROBOT",
    default_url=DEFAULT_API_URL,
    credential_help=KEY_HELP,
    credential_name="API key",
    user_agent="kitchen-kontrol-infra-uptimerobot/2",
    retry_setting="uptimerobot:retryTimeoutSeconds",
    pages_setting="uptimerobot:maxPages",
    rate_setting="uptimerobot:requestsPerMinute",
)
