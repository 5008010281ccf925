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
from collections.abc import Iterable, Iterator, Mapping

from .errors import ApiError, BadCredentialError
from .masking import mask_runs, percent_encoded

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
                forms |= percent_encoded(value)
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
