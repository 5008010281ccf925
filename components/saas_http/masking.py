"""How a secret is found in text it did not write: the URL/form encodings it travels in and the runs of its
characters left when a message cuts or quotes it. Standard library only: the providers' redactor
(`secrets.py`) and the ops commands' (`ops/shared/redact.py`) both use it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote, quote_plus


def percent_encoded(value: str) -> set[str]:
    """How a URL or a form body carries `value`: percent-encoded, `+` for spaces, hex in either case."""
    encoded = {quote(value, safe=""), quote(value), quote_plus(value)}
    return encoded | {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), form) for form in encoded}


def mask_runs(text: str, forms: Sequence[str], minimum: int, mask: str) -> str:
    """`text` with every run of at least `minimum` characters that occurs inside one of `forms` replaced by
    `mask`, longest run first from left to right: what is left of a secret cut short or quoted in part."""
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
