"""The property tables of the UptimeRobot resources, and everything they drive.

A resource's properties are written once, as the fields of its args dataclass (`MonitorArgs`,
`AlertContactArgs`; `AssignedAlertContact` for the rows of a monitor's contact list): name,
Python type and default in the field itself, and in its `metadata=column(...)` the v3 API field,
the kind of value (kinds.py), and whether the property is create-only.
`Schema` reads that table and gives the provider its input normalisation (`check`), request
bodies, the mapping of API answers back onto properties (`read`, adoption), the diff (update
or replace), the names API errors are reported under, and the resource's output annotations.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CheckFailure

from .kinds import Failures, Kind, is_unknown

_META = "uptimerobot"
_KEEP = object()  # from_api: the answer says nothing usable, keep the desired value


@dataclasses.dataclass(frozen=True)
class Rows(Kind):
    """A list of `row` objects (a table of its own) keyed by the row's first property.

    Keys become text, each may appear once, and rows are sorted by key, so the order a
    program or the API lists them in never makes a diff. `noun` names one row in messages.
    """

    row: type
    noun: str
    python_type: ClassVar[type] = list

    def normalize(self, value: Any, label: str, failures: Failures, given: Any) -> Any:
        if value is None:
            return []
        if is_unknown(value):
            return value
        key, *rest = table(self.row)
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            shape = ", ".join(c.name for c in (key, *rest))
            failures.append(CheckFailure(label, f"{label} must be a list of {{{shape}}}"))
            return value
        out, seen = [], set()
        for i, item in enumerate(value):
            at = f"{label}[{i}]"
            if not isinstance(item, Mapping):
                failures.append(CheckFailure(label, f"{at} must be an object with {key.name}"))
                continue
            extra = set(item) - {c.name for c in (key, *rest)}
            if extra:
                failures.append(CheckFailure(label, f"{at} has unknown keys: {', '.join(sorted(extra))}"))
            ident = item.get(key.name)
            if isinstance(ident, float) and ident.is_integer():
                ident = int(ident)
            if ident is None or (isinstance(ident, str) and not ident.strip()) or isinstance(ident, bool):
                failures.append(CheckFailure(label, f"{at}.{key.name} is required"))
                continue
            ident = str(ident).strip()
            if ident in seen and not is_unknown(ident):
                failures.append(CheckFailure(label, f"{at}: {self.noun} {ident} is listed twice"))
            seen.add(ident)
            out.append({key.name: ident, **{c.name: c.normalize(item, f"{at}.{c.name}", failures) for c in rest}})
        return sorted(out, key=lambda r: (len(r[key.name]), r[key.name]))

    def to_api(self, value: Any) -> Any:
        return [{c.api: row[c.name] for c in table(self.row)} for row in value]

    def from_api(self, raw: Any) -> Any:
        if not isinstance(raw, list):
            return _KEEP
        key, *rest = table(self.row)
        rows = [
            {key.name: item.get(key.api), **{c.name: item.get(c.api) or c.default for c in rest}}
            if isinstance(item, Mapping)
            else item
            for item in raw
        ]
        return self.normalize(rows, key.name, [], rows)  # what the API holds is what it holds: no failures

    def from_args(self, value: Any) -> Any:
        return [row.to_props() if isinstance(row, self.row) else dict(row) for row in value]


# --------------------------------------------------------------------------
# The table: fields of an args dataclass, each with metadata=column(...)


@dataclasses.dataclass(frozen=True)
class _Prop:
    api: str | None
    kind: Kind
    create_only: bool
    casefold: bool


def column(api: str | None, kind: Kind, *, create_only: bool = False, casefold: bool = False) -> dict[str, Any]:
    """A field's `metadata`: its v3 API field (None: never sent), kind, and whether a change replaces the object.

    `casefold`: values that differ only in case are the same (email addresses).
    """
    return {_META: _Prop(api, kind, create_only, casefold)}


@dataclasses.dataclass(frozen=True)
class Column:
    """One row of a table: a property as the provider sees it. `default` None means required."""

    name: str
    api: str | None
    kind: Kind
    default: Any
    create_only: bool
    casefold: bool

    def normalize(self, props: Mapping[str, Any], label: str, failures: Failures) -> Any:
        given = props.get(self.name)
        value = self.default if given is None else given
        return self.kind.normalize(value, label, failures, given)

    def same(self, a: Any, b: Any) -> bool:
        if self.casefold and isinstance(a, str) and isinstance(b, str):
            return a.strip().casefold() == b.strip().casefold()
        return a == b


@functools.cache
def table(cls: type) -> tuple[Column, ...]:
    columns = []
    for f in dataclasses.fields(cls):
        meta: _Prop = f.metadata[_META]
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = None
        columns.append(Column(f.name, meta.api, meta.kind, default, meta.create_only, meta.casefold))
    return tuple(columns)


def _props_of(obj: Any) -> dict[str, Any]:
    return {c.name: c.kind.from_args(getattr(obj, c.name)) for c in table(type(obj))}


class Row:
    """Base of a dataclass that is the table of one list element (e.g. AssignedAlertContact)."""

    def to_props(self) -> dict[str, Any]:
        return _props_of(self)


class ResourceArgs:
    """Base of a resource's args dataclass; `name` left None takes the Pulumi resource name."""

    def to_props(self, resource_name: str) -> dict[str, Any]:
        props = _props_of(self)
        if props.get("name") is None:
            props["name"] = resource_name
        return props


@dataclasses.dataclass(frozen=True)
class Output:
    """An output-only property: a field `api` the API reports (as text), or `derive`d from the id."""

    doc: str
    api: str | None = None
    derive: Callable[[str], Any] | None = None
    python_type: type = str  # what the resource's attribute holds

    def value(self, answer: Mapping[str, Any], id_: str) -> Any:
        if self.derive is not None:
            return self.derive(id_)
        reported = answer.get(self.api) if self.api else None
        return None if reported is None else str(reported)


class Schema:
    """One resource's table (its args dataclass) plus its outputs, and what the provider needs from them."""

    def __init__(self, args: type, outputs: Mapping[str, Output]) -> None:
        self.columns = table(args)
        self.inputs = tuple(c.name for c in self.columns)
        self.outputs = dict(outputs)

    def normalize(self, props: Mapping[str, Any]) -> tuple[dict[str, Any], Failures]:
        """Canonical inputs (defaults filled, numbers whole, enums in their case, rows sorted) and what is wrong."""
        failures: Failures = []
        allowed = (*self.inputs, *self.outputs)
        for key in props:
            if not key.startswith("__") and key not in allowed:
                failures.append(CheckFailure(key, f"unknown property '{key}'; expected one of {', '.join(allowed)}"))
        return {c.name: c.normalize(props, c.name, failures) for c in self.columns}, failures

    def inputs_of(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k in self.inputs}

    def create_body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {c.api: c.kind.to_api(values[c.name]) for c in self.columns if c.api}

    def update_body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        # A create-only property never changes in place (a change replaces), so PATCH leaves it out.
        return {c.api: c.kind.to_api(values[c.name]) for c in self.columns if c.api and not c.create_only}

    def read(self, answer: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, Any]:
        """The API's object as properties; what it does not report keeps the desired value."""
        live = dict(desired)
        for c in self.columns:
            raw = answer.get(c.api) if c.api else None
            if raw is None or raw == "":
                continue
            value = c.kind.from_api(raw)
            if value is not _KEEP and not c.same(value, desired.get(c.name)):
                live[c.name] = value  # the API's spelling of the same email address is no drift
        return live

    def changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        # An unknown (preview) value might differ: report it as a change.
        return [
            c.name
            for c in self.columns
            if is_unknown(news.get(c.name)) or not c.same(olds.get(c.name), news.get(c.name))
        ]

    def replaces(self, changed: list[str]) -> list[str]:
        create_only = {c.name for c in self.columns if c.create_only}
        return [name for name in changed if name in create_only]

    def outs(self, values: Mapping[str, Any], answer: Mapping[str, Any], id_: str) -> dict[str, Any]:
        return {**values, **{name: o.value(answer, id_) for name, o in self.outputs.items()}}

    def reported(self, outs: Mapping[str, Any]) -> dict[str, Any]:
        """Earlier outputs in the API's words: what an empty answer leaves standing."""
        return {o.api: outs.get(name) for name, o in self.outputs.items() if o.api}

    def api_fields(self) -> dict[str, str]:
        """API field -> our property, so an API error names what the user wrote; a row's fields name its list."""
        fields = {}
        for c in self.columns:
            if c.api:
                fields[c.api] = c.name
            if isinstance(c.kind, Rows):
                fields.update({col.api: c.name for col in table(c.kind.row) if col.api})
        return fields

    def annotations(self) -> dict[str, Any]:
        """Every property as the resource exposes it: an Output of its Python type."""
        types = {c.name: c.kind.python_type for c in self.columns} | {
            name: o.python_type for name, o in self.outputs.items()
        }
        return {name: pulumi.Output[kind] for name, kind in types.items()}
