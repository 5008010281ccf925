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
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from components.saas_http.masking import mask_runs, percent_encoded

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


def redact_text(
    text: str, *, secrets: Iterable[str] = (), fingerprints: Iterable[str] = (), limit: int | None = None
) -> str:
    """`text` with every known secret and every fingerprinted token replaced, then cut to its last `limit`
    characters (the end of a log or traceback says the most)."""
    values = {s for s in secrets if isinstance(s, str) and len(s) >= _MIN_SECRET}
    forms = sorted({form for value in values for form in {value} | percent_encoded(value)}, key=len, reverse=True)
    for form in forms:
        text = text.replace(form, SECRET_MASK)
    text = mask_runs(text, forms, _MIN_PIECE, SECRET_MASK)
    fingerprints = frozenset(str(f).lower() for f in fingerprints)
    if fingerprints:
        text = _TOKEN.sub(
            lambda m: REDACTED_MASK if fingerprint_matches(m.group(0), fingerprints) else m.group(0), text
        )
    if limit is not None and len(text) > limit:
        text = "…" + text[-(limit - 1) :]
    return text
