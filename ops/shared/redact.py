"""Redaction for text the ops commands print that they did not write themselves (tracebacks, a pack's stderr).

Two kinds of secret: values known to be secret (secret config, secret outputs), replaced wherever they
occur, percent-encoded too, and any run of 8 or more of their characters (a secret cut short or quoted in
part); and production secrets known only by their SHA-256 fingerprint (the pack's
`productionSecretFingerprints`), matched per token the way `no-production-secrets` and the plan's
output match them. Redaction always comes before cutting to length: a cut first could leave a piece of
a secret that no longer matches anything.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote, quote_plus, unquote, urlsplit

SECRET_MASK = "[secret]"  # noqa: S105 - what a secret is shown as, not one
REDACTED_MASK = "[redacted: production secret]"
_MIN_SECRET = 4  # shorter "secrets" would blank out ordinary words
_MIN_PIECE = 8  # a run of this many characters of a secret is masked wherever it stands (a secret cut short)
_TOKEN = re.compile(r"[^\s'\"`,;()\[\]{}<>]+")


def fingerprint_matches(value: str, fingerprints: Iterable[str]) -> bool:
    """Whether `value`, its URL userinfo/password, or the value of a `KEY=value` has a listed SHA-256."""
    fingerprints = {str(f).lower() for f in fingerprints}
    if not fingerprints:
        return False
    candidates = {value, value.rstrip(".:!?")}
    if "=" in value:
        candidates.add(value.split("=", 1)[1])
    try:
        parts = urlsplit(value)
        candidates |= {unquote(p) for p in (parts.password, parts.username) if p}
    except ValueError:
        pass
    return any(hashlib.sha256(c.encode()).hexdigest() in fingerprints for c in candidates if c)


def _forms(value: str) -> set[str]:
    """The secret as is and as a URL or a form body carries it: percent-encoded, `+` for spaces, hex in either case."""
    encoded = {quote(value, safe=""), quote(value), quote_plus(value)}
    return {value} | encoded | {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), form) for form in encoded}


def _mask_runs(text: str, forms: Sequence[str], minimum: int, mask: str) -> str:
    """`text` with every run of at least `minimum` characters that occurs inside one of `forms` replaced by
    `mask`: what is left of a secret cut short or quoted in part. (components/saas_http/secrets.py holds the
    same few lines: the two layers may not import each other.)"""
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


def redact_text(
    text: str, *, secrets: Iterable[str] = (), fingerprints: Iterable[str] = (), limit: int | None = None
) -> str:
    """`text` with every known secret and every fingerprinted token replaced, then cut to its last `limit`
    characters (the end of a log or traceback says the most)."""
    values = {s for s in secrets if isinstance(s, str) and len(s) >= _MIN_SECRET}
    forms = sorted({form for value in values for form in _forms(value)}, key=len, reverse=True)
    for form in forms:
        text = text.replace(form, SECRET_MASK)
    text = _mask_runs(text, forms, _MIN_PIECE, SECRET_MASK)
    fingerprints = frozenset(str(f).lower() for f in fingerprints)
    if fingerprints:
        text = _TOKEN.sub(
            lambda m: REDACTED_MASK if fingerprint_matches(m.group(0), fingerprints) else m.group(0), text
        )
    if limit is not None and len(text) > limit:
        text = "…" + text[-(limit - 1) :]
    return text
