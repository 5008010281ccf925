"""What both UptimeRobot resources share: the provider's lifecycle and the resource class, driven by a Schema.

Why the provider looks the way it does:
- Pulumi pickles the provider *instance* with dill into state (`__provider`).
  Classes living in an importable module are pickled by reference, so the
  instances carry no attributes at all: the API key, settings and the HTTP
  client sit in a per-process cache (`_RUNTIME`) that never reaches a pickle.
  `configure()` fills it from the stack config once per plugin process.
- One resource type per provider class (pulumi#9434), hence one subclass per resource.
- `check` normalises inputs (whole numbers, sorted contacts, defaults), so `diff` can
  compare plainly and contact order never produces a perpetual diff; email
  addresses compare case-insensitively everywhere (adoption, diff, read).
- `create` adopts an existing object instead of duplicating it, but never the one
  a replacement is replacing: the engine deletes that id right after the create.
  A kind with an `adopted` output (alert contacts: account-wide, shared between stacks)
  records whether it adopted, and `delete` leaves an adopted object in place.
- Every lifecycle method is a provider boundary (`reported`): what leaves it is an error
  of the shared HTTP stack's kinds with redacted text, never a raw exception with a key.
"""

from __future__ import annotations

import functools
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import pulumi
import pulumi.dynamic
from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from components.saas_http import LOG, ApiError, reported

from .errors import NotFoundError, UptimeRobotError
from .schema import Schema
from .settings import ProviderSettings, resolve_settings

if TYPE_CHECKING:
    from .client import UptimeRobotClient

# Bump when the provider's behaviour changes in a way existing resources should
# re-apply (see docs/uptimerobot.md, "provider_version").
PROVIDER_VERSION = "1"


class _Runtime:
    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self.client: UptimeRobotClient | None = None
        # Ids `diff` has decided to replace in this process: the engine creates the replacement,
        # then deletes these, so the replacement's create must not adopt one of them.
        self.replacing: set[str] = set()


# Keyed by provider instance (weakly): nothing secret in the key, nothing here pickled.
_RUNTIME: weakref.WeakKeyDictionary[ResourceProvider, _Runtime] = weakref.WeakKeyDictionary()
_RUNTIME_LOCK = threading.Lock()
F = TypeVar("F", bound=Callable[..., Any])


def _boundary(method: F) -> F:
    """Whatever leaves a lifecycle method is reported by type and redacted text only."""

    @functools.wraps(method)
    def guarded(self: UptimeRobotProvider, *args: Any) -> Any:
        with _RUNTIME_LOCK:
            runtime = _RUNTIME.get(self)
        secrets = [os.environ.get("UPTIMEROBOT_API_KEY"), runtime.settings.api_key if runtime else None]
        with reported("UptimeRobot", secrets):
            return method(self, *args)

    return guarded  # type: ignore[return-value]


class UptimeRobotProvider(ResourceProvider):
    """Check, diff and CRUD from `schema`; a subclass says where its objects live and how to find one."""

    schema: ClassVar[Schema]
    kind: ClassVar[str]  # how messages name one object: "monitor"
    path: ClassVar[str]  # its API collection: "/monitors"
    envelope: ClassVar[str | None] = None  # key a single-object answer may come wrapped in

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
                from .client import UptimeRobotClient  # the HTTP stack, loaded when the API is first called

                s = runtime.settings
                runtime.client = UptimeRobotClient(
                    s.api_key, s.api_url, limits=s.limits, api_fields=self.schema.api_fields()
                )
            return runtime.client

    # -- lifecycle ----------------------------------------------------------

    @_boundary
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        values, failures = self.schema.normalize(news)
        return CheckResult(values, failures)

    @_boundary
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old_values, _ = self.schema.normalize(self.schema.inputs_of(olds))
        new_values, _ = self.schema.normalize(news)
        changed = self.schema.changed(old_values, new_values)
        replaces = self.schema.replaces(changed)
        if replaces and id_:
            runtime = self._runtime()
            with _RUNTIME_LOCK:
                runtime.replacing.add(str(id_))
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    @_boundary
    def create(self, props: dict[str, Any]) -> CreateResult:
        desired = self._valid(props)
        client = self.client()
        deadline = client.deadline()
        # Look first: a create whose reply was lost (even in an earlier run) must be adopted, not duplicated.
        found = self._find(client, desired, deadline)
        adopted = found is not None
        if found is None:
            found = self._create_once(client, desired, deadline)
        elif self.schema.changed(self.schema.read(found, desired), desired):
            LOG.warning("UptimeRobot: adopting existing %s %s and updating it", self.kind, found["id"])
            body = self.schema.update_body(desired)
            found = client.request("PATCH", f"{self.path}/{found['id']}", body, deadline=deadline) or found
        id_ = str(found["id"])
        return CreateResult(id_, self._outs(desired, found, id_, adopted))

    @_boundary
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            found = self.client().request("GET", f"{self.path}/{id_}")
        except NotFoundError:
            return ReadResult(None, {})  # deleted outside Pulumi; outs must be a dict for the host
        if self.envelope and isinstance(found, Mapping) and isinstance(found.get(self.envelope), Mapping):
            found = found[self.envelope]
        if not isinstance(found, Mapping):
            raise UptimeRobotError(f"UptimeRobot GET {self.path}/{id_} returned an unexpected body")
        known, _ = self.schema.normalize(self.schema.inputs_of(props))
        return ReadResult(id_, self._outs(self.schema.read(found, known), found, id_, props.get("adopted")))

    @_boundary
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        desired = self._valid(news)
        try:
            found = self.client().request("PATCH", f"{self.path}/{id_}", self.schema.update_body(desired))
        except NotFoundError:
            raise UptimeRobotError(
                f"UptimeRobot {self.kind} {id_} no longer exists (deleted outside Pulumi?); "
                "run `pulumi refresh` so Pulumi recreates it"
            ) from None
        return UpdateResult(self._outs(desired, found or self.schema.reported(olds), id_, olds.get("adopted")))

    @_boundary
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if props.get("adopted") and "adopted" in self.schema.outputs:
            LOG.warning("UptimeRobot: leaving %s %s in place: this stack adopted it, did not create it", self.kind, id_)
            self._forget_replaced(id_)
            return
        try:
            self.client().request("DELETE", f"{self.path}/{id_}")
        except NotFoundError:
            pass  # 404/410: already gone, which is what delete wants
        except ApiError as exc:
            if not _still_in_use(exc):
                raise
            # Account-wide: another stack's monitor alerts this contact. The stack's own monitors are deleted
            # before it, so the contact stays for the others and this stack lets go of it.
            LOG.warning(
                "UptimeRobot: leaving %s %s in place: monitors of another stack still use it; delete it in "
                "UptimeRobot once none does",
                self.kind,
                id_,
            )
        self._forget_replaced(id_)

    # -- shared steps -------------------------------------------------------

    def _find(self, client: UptimeRobotClient, desired: Mapping[str, Any], deadline: float) -> Any:
        """The existing object `desired` describes (adoption), or None."""
        raise NotImplementedError

    def _valid(self, props: Mapping[str, Any]) -> dict[str, Any]:
        values, failures = self.schema.normalize(props)
        if failures:  # check() ran already in a real deployment; this guards direct callers
            raise UptimeRobotError("; ".join(f"{f.property}: {f.reason}" for f in failures))
        return values

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

    def _outs(self, values, answer, id_: str, adopted: Any) -> dict[str, Any]:
        outs = self.schema.outs(values, answer, id_)
        if "adopted" in self.schema.outputs:
            outs["adopted"] = bool(adopted)
        return outs

    def _create_once(self, client: UptimeRobotClient, desired: Mapping[str, Any], deadline: float) -> Any:
        """POST, but never twice for one object: a POST that timed out (or got a 5xx / garbage
        reply) may have been applied, so the object is looked up before every re-post."""

        def post() -> Any:
            created = client.request("POST", self.path, self.schema.create_body(desired), deadline=deadline)
            if not isinstance(created, Mapping) or created.get("id") in (None, ""):
                raise UptimeRobotError(f"UptimeRobot POST {self.path} returned no id for the new {self.kind}")
            return created

        return client.write_once(f"POST {self.path}", deadline, post, lambda: self._find(client, desired, deadline))


class UptimeRobotResource(pulumi.dynamic.Resource):
    """A dynamic resource whose properties are its provider's schema: the args' inputs plus the outputs."""

    provider_class: ClassVar[type[UptimeRobotProvider]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Readers and type checkers see every property as an Output, as in a generated SDK.
        cls.__annotations__ = {**cls.provider_class.schema.annotations(), **vars(cls).get("__annotations__", {})}

    def __init__(self, resource_name: str, args: Any, opts: pulumi.ResourceOptions | None = None) -> None:
        # Output-only names must be present (as None) so the SDK exposes them as attributes.
        props = {**args.to_props(resource_name), **dict.fromkeys(self.provider_class.schema.outputs)}
        super().__init__(self.provider_class(), resource_name, props, opts)


def _still_in_use(error: ApiError) -> bool:
    """UptimeRobot's answer to deleting an alert contact a monitor still uses: `400 … assigned to monitors`."""
    return getattr(error, "status", None) == 400 and "assigned to monitors" in str(error).lower()
