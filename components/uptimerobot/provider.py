"""Pulumi dynamic providers for UptimeRobot monitors and alert contacts (API v3).

Why this module looks the way it does:
- Pulumi pickles the provider *instance* with dill into state (`__provider`).
  Classes living in an importable module are pickled by reference, so the
  instances here carry no attributes at all: the API key, settings and the
  HTTP client sit in a per-process cache (`_RUNTIME`) that never reaches a
  pickle. `configure()` fills it from the stack config once per plugin process.
- One resource type per provider class (pulumi#9434), hence two classes.
- `check` normalises inputs (ints, sorted contacts, defaults), so `diff` can
  compare plainly and contact order never produces a perpetual diff; email
  addresses compare case-insensitively everywhere (adoption, diff, read).
- `create` adopts an existing object instead of duplicating it, but never the one
  a replacement is replacing: the engine deletes that id right after the create.
"""

from __future__ import annotations

import os
import re
import threading
import urllib.parse
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from .client import (
    DEFAULT_API_URL,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_REQUESTS_PER_MINUTE,
    DEFAULT_RETRY_BUDGET,
    LOG,
    AmbiguousWriteError,
    NotFoundError,
    RetryBudgetExceeded,
    UptimeRobotClient,
    UptimeRobotError,
)

# Bump when the provider's behaviour changes in a way existing resources should
# re-apply (see docs/uptimerobot.md, "provider_version").
PROVIDER_VERSION = "1"

DASHBOARD_URL = "https://dashboard.uptimerobot.com/monitors/{id}"
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
MIN_INTERVAL = 30  # API minimum; the free plan's minimum is 300 s (documented)
MAX_INTERVAL = 86400
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_MONITOR_TYPES_BY_NUMBER = {1: "HTTP", 2: "KEYWORD", 3: "PING", 4: "PORT", 5: "HEARTBEAT"}

MONITOR_FIELDS = (
    "name",
    "type",
    "url",
    "interval",
    "timeout",
    "http_method_type",
    "follow_redirections",
    "check_ssl_errors",
    "assigned_alert_contacts",
    "provider_version",
)
MONITOR_OUTPUTS = ("status", "dashboard_url")
CONTACT_FIELDS = ("name", "type", "value", "provider_version")
CONTACT_OUTPUTS = ("status",)


# --------------------------------------------------------------------------
# Per-process runtime state (never pickled)


@dataclass
class Settings:
    api_key: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    retry_budget: float = DEFAULT_RETRY_BUDGET
    requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE


def _number(raw: Any, name: str, default: float) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise UptimeRobotError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise UptimeRobotError(f"{name} must be >= 0, got {raw!r}")
    return value


def resolve_settings(config_get: Callable[[str], Any], environ: Mapping[str, str]) -> Settings:
    """Stack config first (`uptimerobot:*`), then environment, then defaults."""

    def pick(key: str, env: str) -> Any:
        value = config_get(f"uptimerobot:{key}")
        return value if value not in (None, "") else environ.get(env)

    return Settings(
        api_key=pick("apiKey", "UPTIMEROBOT_API_KEY") or None,
        api_url=pick("apiUrl", "UPTIMEROBOT_API_URL") or DEFAULT_API_URL,
        request_timeout=_number(
            pick("requestTimeoutSeconds", "UPTIMEROBOT_REQUEST_TIMEOUT"),
            "uptimerobot:requestTimeoutSeconds",
            DEFAULT_REQUEST_TIMEOUT,
        ),
        retry_budget=_number(
            pick("retryTimeoutSeconds", "UPTIMEROBOT_RETRY_TIMEOUT"),
            "uptimerobot:retryTimeoutSeconds",
            DEFAULT_RETRY_BUDGET,
        ),
        requests_per_minute=_number(
            pick("requestsPerMinute", "UPTIMEROBOT_REQUESTS_PER_MINUTE"),
            "uptimerobot:requestsPerMinute",
            DEFAULT_REQUESTS_PER_MINUTE,
        ),
    )


class _Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: UptimeRobotClient | None = None
        # Ids `diff` has decided to replace in this process: the engine creates the replacement,
        # then deletes these, so the replacement's create must not adopt one of them.
        self.replacing: set[str] = set()


# Keyed by provider instance (weakly): nothing secret in the key, nothing here pickled.
_RUNTIME: weakref.WeakKeyDictionary[ResourceProvider, _Runtime] = weakref.WeakKeyDictionary()
_RUNTIME_LOCK = threading.Lock()


# --------------------------------------------------------------------------
# Validation / normalisation helpers


def _unknown(value: Any) -> bool:
    # The engine's dynamic-provider host hands unknowns over as `Unknown` objects; the wire form is a string.
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def _int(props, key, failures, *, default=None, minimum=None, maximum=None, label=None):
    label = label or key
    value = props.get(key) if isinstance(props, Mapping) else props
    value = default if value is None else value
    if value is None or _unknown(value):
        if value is None and default is None:
            failures.append(CheckFailure(label, f"{label} is required"))
        return value
    # The engine hands numbers over as floats (300.0); accept whole floats only.
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        failures.append(CheckFailure(label, f"{label} must be a whole number, got {value!r}"))
        return value
    try:
        number = float(value)
    except ValueError:
        failures.append(CheckFailure(label, f"{label} must be a whole number, got {value!r}"))
        return value
    if not number.is_integer():
        failures.append(CheckFailure(label, f"{label} must be a whole number, got {value!r}"))
        return value
    number = int(number)
    if minimum is not None and number < minimum:
        failures.append(CheckFailure(label, f"{label} must be >= {minimum}, got {number}"))
    if maximum is not None and number > maximum:
        failures.append(CheckFailure(label, f"{label} must be <= {maximum}, got {number}"))
    return number


def _bool(props, key, failures, default):
    value = props.get(key)
    if value is None:
        return default
    if _unknown(value) or isinstance(value, bool):
        return value
    failures.append(CheckFailure(key, f"{key} must be true or false, got {value!r}"))
    return value


def _str(props, key, failures, *, default=None, required=True):
    value = props.get(key)
    value = default if value is None else value
    if _unknown(value):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            failures.append(CheckFailure(key, f"{key} is required and must be a non-empty string"))
        return value
    if not isinstance(value, str):
        failures.append(CheckFailure(key, f"{key} must be a string, got {type(value).__name__}"))
        return value
    return value.strip()


def _unexpected(props, allowed, failures):
    for key in props:
        if key.startswith("__") or key in allowed:
            continue
        failures.append(CheckFailure(key, f"unknown property '{key}'; expected one of {', '.join(allowed)}"))


def normalize_contacts(value: Any, failures: list[CheckFailure]) -> Any:
    """Canonical, sorted list of {alert_contact_id: str, threshold: int, recurrence: int}."""
    key = "assigned_alert_contacts"
    if value is None:
        return []
    if _unknown(value):
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        failures.append(CheckFailure(key, f"{key} must be a list of {{alert_contact_id, threshold, recurrence}}"))
        return value
    out, seen = [], set()
    for i, item in enumerate(value):
        label = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            failures.append(CheckFailure(key, f"{label} must be an object with alert_contact_id"))
            continue
        extra = set(item) - {"alert_contact_id", "threshold", "recurrence"}
        if extra:
            failures.append(CheckFailure(key, f"{label} has unknown keys: {', '.join(sorted(extra))}"))
        cid = item.get("alert_contact_id")
        if isinstance(cid, float) and cid.is_integer():
            cid = int(cid)
        if cid is None or (isinstance(cid, str) and not cid.strip()) or isinstance(cid, bool):
            failures.append(CheckFailure(key, f"{label}.alert_contact_id is required"))
            continue
        cid = str(cid).strip()
        if cid in seen and not _unknown(cid):
            failures.append(CheckFailure(key, f"{label}: alert contact {cid} is listed twice"))
        seen.add(cid)
        out.append(
            {
                "alert_contact_id": cid,
                "threshold": _int(item, "threshold", failures, default=0, minimum=0, label=f"{label}.threshold"),
                "recurrence": _int(item, "recurrence", failures, default=0, minimum=0, label=f"{label}.recurrence"),
            }
        )
    return sorted(out, key=lambda c: (len(c["alert_contact_id"]), c["alert_contact_id"]))


def normalize_monitor(props: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    failures: list[CheckFailure] = []
    _unexpected(props, MONITOR_FIELDS + MONITOR_OUTPUTS, failures)
    out: dict[str, Any] = {"name": _str(props, "name", failures)}
    mtype = _str(props, "type", failures, default="HTTP")
    if isinstance(mtype, str) and not _unknown(mtype):
        mtype = mtype.upper()
        if mtype != "HTTP":
            failures.append(
                CheckFailure(
                    "type", f"type must be 'HTTP' (got {props.get('type')!r}); only HTTP(S) monitors are supported"
                )
            )
    out["type"] = mtype
    url = _str(props, "url", failures)
    if isinstance(url, str) and not _unknown(url):
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            failures.append(CheckFailure("url", f"url must be an absolute http:// or https:// URL, got {url!r}"))
    out["url"] = url
    out["interval"] = _int(props, "interval", failures, default=300, minimum=MIN_INTERVAL, maximum=MAX_INTERVAL)
    out["timeout"] = _int(props, "timeout", failures, default=30, minimum=1, maximum=60)
    method = _str(props, "http_method_type", failures, default="GET")
    if isinstance(method, str) and not _unknown(method):
        method = method.upper()
        if method not in HTTP_METHODS:
            failures.append(
                CheckFailure("http_method_type", f"http_method_type must be one of {', '.join(HTTP_METHODS)}")
            )
    out["http_method_type"] = method
    out["follow_redirections"] = _bool(props, "follow_redirections", failures, True)
    out["check_ssl_errors"] = _bool(props, "check_ssl_errors", failures, True)
    out["assigned_alert_contacts"] = normalize_contacts(props.get("assigned_alert_contacts"), failures)
    out["provider_version"] = _str(props, "provider_version", failures, default=PROVIDER_VERSION, required=False)
    return out, failures


def normalize_contact(props: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    failures: list[CheckFailure] = []
    _unexpected(props, CONTACT_FIELDS + CONTACT_OUTPUTS, failures)
    out: dict[str, Any] = {"name": _str(props, "name", failures)}
    ctype = _str(props, "type", failures, default="email")
    if isinstance(ctype, str) and not _unknown(ctype):
        ctype = ctype.lower()
        if ctype != "email":
            failures.append(CheckFailure("type", f"type must be 'email' (got {props.get('type')!r})"))
    out["type"] = ctype
    value = _str(props, "value", failures)
    if isinstance(value, str) and not _unknown(value) and not _EMAIL_RE.match(value):
        failures.append(CheckFailure("value", f"value must be an email address like ops@example.com, got {value!r}"))
    out["value"] = value
    out["provider_version"] = _str(props, "provider_version", failures, default=PROVIDER_VERSION, required=False)
    return out, failures


def _changed(olds: Mapping[str, Any], news: Mapping[str, Any], fields, casefold=()) -> list[str]:
    # An unknown (preview) value might differ: report it as a change.
    def same(f: str) -> bool:
        old, new = olds.get(f), news.get(f)
        if f in casefold and isinstance(old, str) and isinstance(new, str):
            return old.casefold() == new.casefold()
        return old == new

    return [f for f in fields if _unknown(news.get(f)) or not same(f)]


def _same_email(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.strip().casefold() == b.strip().casefold()


def _require_valid(normalize, props):
    values, failures = normalize(props)
    if failures:  # check() ran already in a real deployment; this guards direct callers
        raise UptimeRobotError("; ".join(f"{f.property}: {f.reason}" for f in failures))
    return values


def _page(page: Any, number: int) -> tuple[list, str | None]:
    """(items, next cursor) of one page of a v3 listing: `data` + `nextCursorId`/`nextLink`, or a bare list."""
    if isinstance(page, list):
        return page, None
    if not isinstance(page, Mapping):
        raise UptimeRobotError(f"UptimeRobot GET /monitors: page {number} is not a listing")
    items = page.get("data") or page.get("monitors") or []
    if not isinstance(items, list):
        raise UptimeRobotError(f"UptimeRobot GET /monitors: page {number} holds no list of monitors")
    cursor = page.get("nextCursorId")
    link = page.get("nextLink")
    if cursor is None and isinstance(link, str) and link:
        cursor = urllib.parse.parse_qs(urllib.parse.urlparse(link).query).get("cursor", [None])[0]
    return items, None if cursor in (None, "") else str(cursor)


# --------------------------------------------------------------------------
# Providers


class _UptimeRobotProvider(ResourceProvider):
    """Shared plumbing; subclasses add the per-resource API mapping."""

    kind = "object"
    fields: tuple[str, ...] = ()
    replace_on: tuple[str, ...] = ()
    casefold: tuple[str, ...] = ()  # fields compared case-insensitively (email addresses)

    def __getstate__(self) -> dict:
        return {}  # belt and braces: no instance state may ever reach the pickle

    def configure(self, req: ConfigureRequest) -> None:
        settings = resolve_settings(req.config.get, os.environ)
        with _RUNTIME_LOCK:
            _RUNTIME[self] = _Runtime(settings)

    def _runtime(self) -> _Runtime:
        with _RUNTIME_LOCK:
            runtime = _RUNTIME.get(self)
            if runtime is None:  # configure() not called (direct use): environment only
                runtime = _RUNTIME[self] = _Runtime(resolve_settings(lambda _k: None, os.environ))
            return runtime

    def client(self) -> UptimeRobotClient:
        """This process's HTTP client, built lazily from configure() (or the environment)."""
        runtime = self._runtime()
        with _RUNTIME_LOCK:
            if runtime.client is None:
                s = runtime.settings
                runtime.client = UptimeRobotClient(
                    s.api_key,
                    s.api_url,
                    request_timeout=s.request_timeout,
                    retry_budget=s.retry_budget,
                    requests_per_minute=s.requests_per_minute,
                )
            return runtime.client

    # -- lifecycle ----------------------------------------------------------

    def _normalize(self, props):
        raise NotImplementedError

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        values, failures = self._normalize(news)
        return CheckResult(values, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old_values, _ = self._normalize({k: v for k, v in olds.items() if k in self.fields})
        new_values, _ = self._normalize(news)
        changed = _changed(old_values, new_values, self.fields, self.casefold)
        replaces = [f for f in changed if f in self.replace_on]
        if replaces and id_:
            runtime = self._runtime()
            with _RUNTIME_LOCK:
                runtime.replacing.add(str(id_))
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def _adoptable(self, candidate: Mapping[str, Any]) -> bool:
        """False for an object this process is replacing: adopting it would hand the replacement the
        very id the engine deletes next, leaving the state on an object that no longer exists."""
        runtime = self._runtime()
        with _RUNTIME_LOCK:
            replacing = str(candidate.get("id")) in runtime.replacing
        if replacing:
            LOG.warning("UptimeRobot: not adopting %s %s: it is the one being replaced", self.kind, candidate.get("id"))
            return False
        return True

    def _forget_replaced(self, id_: str) -> None:
        runtime = self._runtime()
        with _RUNTIME_LOCK:
            runtime.replacing.discard(str(id_))

    def _create_idempotent(self, client, path, body, find, deadline):
        """POST, but never twice for one object: look before every re-post.

        A POST that timed out (or got a 5xx / garbage reply) may have been
        applied; re-posting blindly would leave a duplicate.
        """
        for attempt in client.retrying(f"POST {path}", deadline, retry_on=AmbiguousWriteError):
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    found = find(deadline)
                    if found is not None:
                        LOG.warning(
                            "UptimeRobot: adopted %s %s created by an unanswered POST", self.kind, found.get("id")
                        )
                        return found
                created = client.request("POST", path, body, deadline=deadline)
                if not isinstance(created, Mapping) or created.get("id") in (None, ""):
                    raise UptimeRobotError(f"UptimeRobot POST {path} returned no id for the new {self.kind}")
                return created
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover


class MonitorProvider(_UptimeRobotProvider):
    """HTTP(S) monitor: `/monitors` in API v3."""

    kind = "monitor"
    fields = MONITOR_FIELDS
    replace_on = ("type",)

    def _normalize(self, props):
        return normalize_monitor(props)

    @staticmethod
    def _body(v: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "friendlyName": v["name"],
            "type": v["type"],
            "url": v["url"],
            "interval": v["interval"],
            "timeout": v["timeout"],
            "httpMethodType": v["http_method_type"],
            "followRedirections": v["follow_redirections"],
            "checkSSLErrors": v["check_ssl_errors"],
            "assignedAlertContacts": [
                {"alertContactId": c["alert_contact_id"], "threshold": c["threshold"], "recurrence": c["recurrence"]}
                for c in v["assigned_alert_contacts"]
            ],
        }

    @staticmethod
    def _live(api: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, Any]:
        """Map an API monitor onto our props; absent API fields keep the desired value."""
        live = dict(desired)
        pairs = {
            "friendlyName": "name",
            "url": "url",
            "interval": "interval",
            "timeout": "timeout",
            "followRedirections": "follow_redirections",
            "checkSSLErrors": "check_ssl_errors",
        }
        for api_key, prop in pairs.items():
            if api.get(api_key) is not None:
                live[prop] = api[api_key]
        mtype = api.get("type")
        if mtype is not None:
            live["type"] = (
                _MONITOR_TYPES_BY_NUMBER.get(mtype, str(mtype)).upper()
                if isinstance(mtype, int)
                else str(mtype).upper()
            )
        if api.get("httpMethodType"):
            live["http_method_type"] = str(api["httpMethodType"]).upper()
        if isinstance(api.get("assignedAlertContacts"), list):
            ignored: list[CheckFailure] = []
            live["assigned_alert_contacts"] = normalize_contacts(
                [
                    {
                        "alert_contact_id": c.get("alertContactId"),
                        "threshold": c.get("threshold") or 0,
                        "recurrence": c.get("recurrence") or 0,
                    }
                    for c in api["assignedAlertContacts"]
                ],
                ignored,
            )
        return live

    def _outs(self, values: Mapping[str, Any], api: Mapping[str, Any], id_: str) -> dict[str, Any]:
        status = api.get("status")
        return {
            **values,
            "status": None if status is None else str(status),
            "dashboard_url": DASHBOARD_URL.format(id=id_),
        }

    def _find(self, client: UptimeRobotClient, desired: Mapping[str, Any], deadline: float):
        """Find an existing monitor with the same name, URL and type (adoption).

        Reads every page: a match on a page it skipped would become a duplicate. A listing that
        loops or outlasts the retry budget fails, so nothing is created on a partial look.
        """
        matches, cursor, seen, pages = [], None, set(), 0
        while True:
            query = {"name": desired["name"], "url": desired["url"]}
            if cursor:
                query["cursor"] = cursor
            try:
                page = client.request("GET", "/monitors", query=query, deadline=deadline) or {}
            except RetryBudgetExceeded as exc:
                raise RetryBudgetExceeded(
                    f"UptimeRobot: read {pages} page(s) of monitors without reaching the last, "
                    f"so it cannot tell whether the monitor exists; nothing was created. {exc}"
                ) from None
            pages += 1
            items, cursor = _page(page, pages)
            for m in items:
                if (
                    isinstance(m, Mapping)
                    and m.get("friendlyName") == desired["name"]
                    and m.get("url") == desired["url"]
                    and self._live(m, desired)["type"] == desired["type"]
                    and self._adoptable(m)
                ):
                    matches.append(m)
            if not cursor:
                break
            if cursor in seen:
                raise UptimeRobotError(
                    f"UptimeRobot GET /monitors: page {pages} points back to an earlier page "
                    f"(cursor {client.safe(cursor, 40)!r}); the listing never ends, "
                    "so it cannot tell whether the monitor exists; nothing was created"
                )
            seen.add(cursor)
        if not matches:
            return None
        matches.sort(key=lambda m: int(m["id"]) if str(m["id"]).isdigit() else 0)
        if len(matches) > 1:
            LOG.warning(
                "UptimeRobot: %d monitors share this name and URL; adopting id %s", len(matches), matches[0]["id"]
            )
        return matches[0]

    def create(self, props: dict[str, Any]) -> CreateResult:
        desired = _require_valid(normalize_monitor, props)
        client = self.client()
        deadline = client.deadline()
        body = self._body(desired)
        # Look first: a create whose reply was lost (even in an earlier run) must be adopted, not duplicated.
        monitor = self._find(client, desired, deadline)
        if monitor is None:
            monitor = self._create_idempotent(
                client, "/monitors", body, lambda d: self._find(client, desired, d), deadline
            )
        elif _changed(self._live(monitor, desired), desired, MONITOR_FIELDS):
            LOG.warning("UptimeRobot: adopting existing monitor %s and updating it", monitor["id"])
            monitor = client.request("PATCH", f"/monitors/{monitor['id']}", body, deadline=deadline) or monitor
        id_ = str(monitor["id"])
        return CreateResult(id_, self._outs(desired, monitor, id_))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        client = self.client()
        try:
            monitor = client.request("GET", f"/monitors/{id_}")
        except NotFoundError:
            return ReadResult(None, {})  # deleted outside Pulumi; outs must be a dict for the host
        if isinstance(monitor, Mapping) and isinstance(monitor.get("monitor"), Mapping):
            monitor = monitor["monitor"]
        if not isinstance(monitor, Mapping):
            raise UptimeRobotError(f"UptimeRobot GET /monitors/{id_} returned an unexpected body")
        known, _ = normalize_monitor({k: v for k, v in props.items() if k in MONITOR_FIELDS})
        return ReadResult(id_, self._outs(self._live(monitor, known), monitor, id_))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        desired = _require_valid(normalize_monitor, news)
        client = self.client()
        try:
            monitor = client.request("PATCH", f"/monitors/{id_}", self._body(desired))
        except NotFoundError:
            raise UptimeRobotError(
                f"UptimeRobot monitor {id_} no longer exists (deleted outside Pulumi?); "
                "run `pulumi refresh` so Pulumi recreates it"
            ) from None
        return UpdateResult(self._outs(desired, monitor or {"status": olds.get("status")}, id_))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.client().request("DELETE", f"/monitors/{id_}")
        except NotFoundError:
            pass  # 404/410: already gone, which is what delete wants
        self._forget_replaced(id_)


class AlertContactProvider(_UptimeRobotProvider):
    """Personal email alert contact: `/alert-contacts` in API v3."""

    kind = "alert contact"
    fields = CONTACT_FIELDS
    replace_on = ("type", "value")  # the v3 PATCH cannot change either
    casefold = ("value",)  # adoption matches addresses case-insensitively, so diff must too

    def _normalize(self, props):
        return normalize_contact(props)

    @staticmethod
    def _live(api: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, Any]:
        live = dict(desired)
        if api.get("friendlyName") is not None:
            live["name"] = api["friendlyName"]
        value = api.get("value")
        if value is not None and not (isinstance(value, str) and _same_email(value, desired.get("value"))):
            live["value"] = value  # the API's spelling of the same address is no drift
        ctype = api.get("type")
        if ctype is not None:
            live["type"] = "email" if ctype == 2 else str(ctype).lower()
        return live

    @staticmethod
    def _outs(values: Mapping[str, Any], api: Mapping[str, Any]) -> dict[str, Any]:
        status = api.get("status")
        return {**values, "status": None if status is None else str(status)}

    def _find(self, client: UptimeRobotClient, desired: Mapping[str, Any], deadline: float):
        listing = client.request("GET", "/user/alert-contacts", deadline=deadline) or []
        if isinstance(listing, Mapping):
            listing = listing.get("data") or listing.get("alertContacts") or []
        for contact in listing:
            if not isinstance(contact, Mapping):
                continue
            live = self._live(contact, desired)
            if (
                live["type"] == desired["type"]
                and _same_email(live["value"], desired["value"])
                and self._adoptable(contact)
            ):
                return contact
        return None

    def create(self, props: dict[str, Any]) -> CreateResult:
        desired = _require_valid(normalize_contact, props)
        client = self.client()
        deadline = client.deadline()
        contact = self._find(client, desired, deadline)
        if contact is None:
            body = {"type": "Email", "friendlyName": desired["name"], "value": desired["value"]}
            contact = self._create_idempotent(
                client, "/alert-contacts", body, lambda d: self._find(client, desired, d), deadline
            )
        elif contact.get("friendlyName") != desired["name"]:
            contact = (
                client.request(
                    "PATCH", f"/alert-contacts/{contact['id']}", {"friendlyName": desired["name"]}, deadline=deadline
                )
                or contact
            )
        return CreateResult(str(contact["id"]), self._outs(desired, contact))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            contact = self.client().request("GET", f"/alert-contacts/{id_}")
        except NotFoundError:
            return ReadResult(None, {})
        if not isinstance(contact, Mapping):
            raise UptimeRobotError(f"UptimeRobot GET /alert-contacts/{id_} returned an unexpected body")
        known, _ = normalize_contact({k: v for k, v in props.items() if k in CONTACT_FIELDS})
        return ReadResult(id_, self._outs(self._live(contact, known), contact))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        desired = _require_valid(normalize_contact, news)
        try:
            contact = self.client().request("PATCH", f"/alert-contacts/{id_}", {"friendlyName": desired["name"]})
        except NotFoundError:
            raise UptimeRobotError(
                f"UptimeRobot alert contact {id_} no longer exists (deleted outside Pulumi?); "
                "run `pulumi refresh` so Pulumi recreates it"
            ) from None
        return UpdateResult(self._outs(desired, contact or {"status": olds.get("status")}))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.client().request("DELETE", f"/alert-contacts/{id_}")
        except NotFoundError:
            pass
        self._forget_replaced(id_)
