"""Reading resource props the same way whether they are plain dicts and lists (tests, hand-built
contexts) or the SDK's read-only proxies (inside the pack), where reading an unknown raises.

``get`` and ``elements`` raise ``UnknownPropError`` (with the prop path) for a value a rule
needs but cannot know yet; ``items`` yields ``UNKNOWN`` in its place for rules that walk on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

_UNKNOWN_SENTINELS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)
# Engine encoding of a secret, as it may appear in hand-built (test) props; inside the
# pack the SDK has already unwrapped secrets.
_SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"  # noqa: S105 - protocol signature
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - protocol signature


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in _UNKNOWN_SENTINELS


def _unwrap_secret(value: Any) -> Any:
    if isinstance(value, Mapping) and value.get(_SECRET_SIG_KEY) == _SECRET_SIG:
        return value.get("value")
    return value


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class UnknownPropError(Exception):
    """Raised by ``get`` when a value a rule needs is unknown; carries the prop path."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def get(props: Any, *keys: str | int, path: str = "") -> Any:
    """Read ``props[k1][k2]...``; None when absent, ``UnknownPropError`` when not yet known.

    Works on plain dicts/lists and on the SDK's read-only proxies alike.
    """
    value = props
    for key in keys:
        path = join_path(path, key)
        try:
            if isinstance(key, int):
                if not isinstance(value, Sequence) or isinstance(value, str) or key >= len(value):
                    return None
                value = value[key]
            else:
                if not isinstance(value, Mapping) or key not in value:
                    return None
                value = value[key]
        except UnknownValueError:
            raise UnknownPropError(path) from None
        if is_unknown(value):
            raise UnknownPropError(path)
        value = _unwrap_secret(value)
        if is_unknown(value):
            raise UnknownPropError(path)
    return value


def is_list(value: Any) -> bool:
    """A list, plain or the SDK's read-only proxy (a ``Sequence``); text is not one."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def elements(value: Any, path: str) -> list[tuple[str, Any]]:
    """A list's elements as (path, element), each read with ``get``; [] when ``value`` is no list."""
    if not is_list(value):
        return []
    return [(join_path(path, i), get(value, i, path=path)) for i in range(len(value))]


def items(value: Any, path: str) -> Iterator[tuple[str | int, str, Any]]:
    """Children of a mapping or sequence as (key, path, value); value is ``UNKNOWN`` if unknown."""
    if isinstance(value, Mapping):
        keys: Iterable[str | int] = list(value)
    elif is_list(value):
        keys = range(len(value))
    else:
        return
    for key in keys:
        child_path = join_path(path, key)
        try:
            child = value[key]
        except UnknownValueError:
            yield key, child_path, UNKNOWN
            continue
        child = _unwrap_secret(child)
        yield key, child_path, UNKNOWN if is_unknown(child) else child


class _UnknownMarker:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _UnknownMarker()
"""What ``items`` yields in place of a value that is not known yet."""
