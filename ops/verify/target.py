"""Where `ops verify` points: the app and health URLs from --url or a stack's outputs, credentials split off
into an auth header and hidden wherever a URL is shown."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit, urlunsplit

from ops.shared.errors import UsageError
from ops.shared.outputs import OutputsUnavailable, query


@dataclass
class Target:
    app_url: str  # credentials stripped
    health_url: str  # credentials stripped
    display_url: str  # what we print: userinfo replaced by ***
    display_health_url: str
    auth_header: str | None = None
    # The frontend's page (the React build on its own static site); None: the home check asks app_url.
    frontend_url: str | None = None
    display_frontend_url: str | None = None
    frontend_auth_header: str | None = None

    def home_target(self) -> Target:
        """What the home check asks: the frontend with its own credentials only, else the app itself."""
        if self.frontend_url is None:
            return self
        return replace(self, app_url=self.frontend_url, auth_header=self.frontend_auth_header)

    @property
    def home_url(self) -> str:
        return self.frontend_url or self.app_url

    @property
    def display_home_url(self) -> str:
        return self.display_frontend_url or self.display_url


def _split_credentials(url: str, flag: str) -> tuple[str, str, str | None]:
    """Return (url without userinfo, url with userinfo redacted, Basic auth header)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{flag}: expected an http:// or https:// URL with a host, got {redact_userinfo(url)!r}")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise UsageError(f"{flag}: invalid port in {redact_userinfo(url)!r}") from None
    if "@" not in parts.netloc:
        return url, url, None
    userinfo, hostport = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
    clean = urlunsplit(parts._replace(netloc=hostport))
    shown = urlunsplit(parts._replace(netloc=f"***@{hostport}"))
    return clean, shown, f"Basic {token}"


def redact_userinfo(text: str) -> str:
    """Replace userinfo of any URL inside `text` (used for error messages too)."""
    return re.sub(r"(?i)\b(https?://)[^/@\s]+@", r"\1***@", text)


def join_path(base: str, path: str) -> str:
    if not path.startswith("/"):
        path = "/" + path
    path_part, _, query_string = path.partition("?")
    return urlunsplit(urlsplit(base)._replace(path=path_part, query=query_string, fragment=""))


def _target_from_urls(app_url: str, health_url: str, flag: str, frontend_url: str | None = None) -> Target:
    app, app_shown, auth = _split_credentials(app_url, flag)
    health, health_shown, health_auth = _split_credentials(health_url, flag)
    target = Target(app, health, app_shown, health_shown, auth or health_auth)
    if frontend_url is not None:
        # The static site is another host: the API's credentials are never sent to it, nor the reverse.
        target.frontend_url, target.display_frontend_url, target.frontend_auth_header = _split_credentials(
            frontend_url, flag
        )
    return target


def _stack_outputs(stack: str) -> dict:
    try:
        return query(stack)
    except OutputsUnavailable as exc:
        hint = "; install it or pass --url" if "not on PATH" in str(exc) else ""
        raise UsageError(f"--stack {stack}: {exc}{hint}") from None


def url_target(url: str, health_path: str, frontend_url: str | None = None) -> Target:
    """The target of `--url URL` (health at `health_path` under it) and `--frontend-url`."""
    target = _target_from_urls(url, join_path(url, health_path), "--url")
    if frontend_url is not None:
        target.frontend_url, target.display_frontend_url, target.frontend_auth_header = _split_credentials(
            frontend_url, "--frontend-url"
        )
    return target


def stack_target(stack: str, health_path: str) -> tuple[Target, dict]:
    """The target of `--stack STACK` and the stack's outputs (read once; the alarm-delivery check uses them too)."""
    outputs = _stack_outputs(stack)
    app_url = outputs.get("appUrl")
    if not isinstance(app_url, str) or not app_url:
        raise UsageError(f"--stack {stack}: the stack has no string output 'appUrl'")
    health_url = outputs.get("healthUrl") or join_path(app_url, health_path)
    frontend_url = outputs.get("frontendUrl")  # a stack from before the static site has none
    named = [("appUrl", app_url), ("healthUrl", health_url)]
    for name, value in [*named, *([("frontendUrl", frontend_url)] if frontend_url is not None else [])]:
        if value == "[secret]" or not isinstance(value, str):
            raise UsageError(f"--stack {stack}: stack output '{name}' is not a plain URL string")
    return _target_from_urls(app_url, health_url, f"--stack {stack} output", frontend_url), outputs
