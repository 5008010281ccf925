"""Credentials: read (stripped, refused with a control character) and kept out of every message.

A token file saved with Windows line endings gives `token\\r\\n`: stripped, it works. A control
character inside a credential is never a real token; it is refused before it reaches a header
(where httpx would raise with the whole header value in its message).

`Redactor` replaces a secret in every form it can take in a message: as is, `repr`/`\\r`-`\\n`
escaped, JSON-escaped, percent-encoded (a URL or form body echoed back), each piece between control
characters, and then any run of 8 or more characters of one of those forms (a message cut mid-secret,
a server quoting part of it). `reported()` is the provider
boundary: every exception leaving it carries its type and redacted text only, no chained cause.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from urllib.parse import quote, quote_plus

from .errors import ApiError, BadCredentialError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A piece of a secret shorter than this is too common a string to hunt for ("Bearer", "abc").
_MIN_PIECE = 8


def read_credential(raw: str | None, name: str) -> str | None:
    """`raw` stripped of surrounding whitespace; None when empty; refused when a control character
    remains inside. The message names `name` (where it came from), never the value."""
    if raw is None:
        return None
    value = raw.strip()
    if not value:
        return None
    if _CONTROL.search(value):
        raise BadCredentialError(
            f"{name} holds a control character (a line break or tab inside the value): it is refused "
            "rather than sent; set it again with the token alone on one line"
        )
    return value


def first_credential(environ: Mapping[str, str], names: Iterable[str]) -> str | None:
    """The first of `names` set (non-blank) in `environ`, read with `read_credential`."""
    for name in names:
        value = read_credential(environ.get(name), name)
        if value:
            return value
    return None


class Redactor:
    """Replaces every known form of the given secrets with `***`."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            for value in {secret, secret.strip()}:
                forms |= {value, repr(value)[1:-1], json.dumps(value)[1:-1]}
                forms |= {value.encode("unicode_escape").decode("ascii", "replace")}
                forms |= _percent_encoded(value)
                forms |= {piece for piece in _CONTROL.split(value) if len(piece.strip()) >= _MIN_PIECE}
        # Longest first: a short piece must not split a longer form before it is matched.
        self._forms = sorted((f for f in forms if f.strip()), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, "***")
        return mask_runs(text, self._forms, _MIN_PIECE, "***")

    def __bool__(self) -> bool:
        return bool(self._forms)


def _percent_encoded(value: str) -> set[str]:
    """How a URL or a form body carries `value`: percent-encoded, `+` for spaces, hex in either case."""
    encoded = {quote(value, safe=""), quote(value), quote_plus(value)}
    return encoded | {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), form) for form in encoded}


def mask_runs(text: str, forms: Sequence[str], minimum: int, mask: str) -> str:
    """`text` with every run of at least `minimum` characters that occurs inside one of `forms` replaced by
    `mask`, longest run first from left to right: what is left of a secret cut short or quoted in part.
    (ops/shared/redact.py holds the same few lines: the two layers may not import each other.)"""
    long_forms = [form for form in forms if len(form) >= minimum]
    if not long_forms:
        return text
    out, index = [], 0
    while index < len(text):
        run = 0
        for form in long_forms:
            if index + minimum <= len(text) and text[index : index + minimum] in form:
                length = minimum
                while index + length < len(text) and text[index : index + length + 1] in form:
                    length += 1
                run = max(run, length)
        if run:
            out.append(mask)
            index += run
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


@contextlib.contextmanager
def reported(service: str, secrets: Iterable[str | None]) -> Iterator[None]:
    """The provider boundary: an exception leaves as an ApiError (its own class kept when it is one)
    whose text is redacted, without its chain (a cause's text is never shown)."""
    try:
        yield
    except ApiError as exc:
        redact = Redactor(secrets)
        exc.args = tuple(redact(str(arg)) for arg in exc.args)
        raise exc.with_traceback(None) from None
    except Exception as exc:  # noqa: BLE001 - the boundary: anything else leaves as type and redacted text
        redact = Redactor(secrets)
        raise ApiError(f"{service}: unexpected {type(exc).__name__}: {redact(str(exc))}") from None
