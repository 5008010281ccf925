"""Kinds of property values: how one is checked and canonicalised, sent to the v3 API and read back.

Each `normalize` appends a CheckFailure naming the property (`label`) and what is expected, and
lets preview unknowns through untouched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

Failures = list[CheckFailure]
# (canonical value, value as given) -> why it is not acceptable, or None
Problem = Callable[[str, Any], "str | None"]


def is_unknown(value: Any) -> bool:
    # The engine's dynamic-provider host hands unknowns over as `Unknown` objects; the wire form is a string.
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


class Kind:
    """How values of one kind are checked and canonicalised (`normalize`), sent to the API (`to_api`),
    read back (`from_api`) and taken from args (`from_args`): as they are, unless a kind says otherwise."""

    python_type: ClassVar[type] = object

    def normalize(self, value: Any, label: str, failures: Failures, given: Any) -> Any:
        raise NotImplementedError

    def to_api(self, value: Any) -> Any:
        return value

    def from_api(self, raw: Any) -> Any:
        return raw

    def from_args(self, value: Any) -> Any:
        return value


@dataclasses.dataclass(frozen=True)
class Text(Kind):
    """A string, stripped; `case` canonicalises it (str.upper for enums), `problem` vets it.

    `codes` are the numbers the API answers with instead of the text (monitor type 1 = HTTP),
    `sent_as` the API's spelling in requests where it differs from ours ("email" -> "Email").
    """

    required: bool = True
    case: Callable[[str], str] | None = None
    problem: Problem | None = None
    codes: Mapping[int, str] = dataclasses.field(default_factory=dict)
    sent_as: Mapping[str, str] = dataclasses.field(default_factory=dict)
    python_type: ClassVar[type] = str

    def normalize(self, value: Any, label: str, failures: Failures, given: Any) -> Any:
        if is_unknown(value):
            return value
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                failures.append(CheckFailure(label, f"{label} is required and must be a non-empty string"))
        elif not isinstance(value, str):
            failures.append(CheckFailure(label, f"{label} must be a string, got {type(value).__name__}"))
            return value
        else:
            value = value.strip()
        if isinstance(value, str):
            if self.case:
                value = self.case(value)
            reason = self.problem(value, given) if self.problem else None
            if reason:
                failures.append(CheckFailure(label, reason))
        return value

    def to_api(self, value: Any) -> Any:
        return self.sent_as.get(value, value) if isinstance(value, str) else value

    def from_api(self, raw: Any) -> Any:
        if self.case is None:
            return raw
        code = self.codes.get(raw) if isinstance(raw, int) else None
        return self.case(code if code is not None else str(raw))


@dataclasses.dataclass(frozen=True)
class Whole(Kind):
    """A whole number within [minimum, maximum]; the engine hands numbers over as floats (300.0)."""

    minimum: int | None = None
    maximum: int | None = None
    python_type: ClassVar[type] = int

    def normalize(self, value: Any, label: str, failures: Failures, given: Any) -> Any:
        if value is None or is_unknown(value):
            if value is None:
                failures.append(CheckFailure(label, f"{label} is required"))
            return value
        not_whole = CheckFailure(label, f"{label} must be a whole number, got {value!r}")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            failures.append(not_whole)
            return value
        try:
            number = float(value)
        except ValueError:
            failures.append(not_whole)
            return value
        if not number.is_integer():
            failures.append(not_whole)
            return value
        number = int(number)
        if self.minimum is not None and number < self.minimum:
            failures.append(CheckFailure(label, f"{label} must be >= {self.minimum}, got {number}"))
        if self.maximum is not None and number > self.maximum:
            failures.append(CheckFailure(label, f"{label} must be <= {self.maximum}, got {number}"))
        return number


@dataclasses.dataclass(frozen=True)
class Flag(Kind):
    """true or false."""

    python_type: ClassVar[type] = bool

    def normalize(self, value: Any, label: str, failures: Failures, given: Any) -> Any:
        if value is None or is_unknown(value) or isinstance(value, bool):
            return value
        failures.append(CheckFailure(label, f"{label} must be true or false, got {value!r}"))
        return value
