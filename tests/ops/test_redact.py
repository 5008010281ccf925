"""ops' redaction of text it did not write (tracebacks, a pack's stderr): a known secret in every form."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

import pytest

from ops.shared.redact import SECRET_MASK, redact_text

CANARY = "CANARY db/pass+w0rd=9f3&e71c"  # pragma: allowlist secret


@pytest.mark.parametrize(
    "text",
    [
        f"postgresql://kk:{quote(CANARY, safe='')}@db.example:5432/kk",  # in a URL
        f"password={quote_plus(CANARY).lower()}",  # a form body, lower-case hex
        f"...{CANARY[9:]}",  # the end of a cut line
        f"{CANARY[:12]} (truncated)",
        f"{quote(CANARY, safe='')[4:20]}",  # part of the encoded form
    ],
    ids=["percent", "form-lower", "suffix", "prefix", "encoded-part"],
)
def test_percent_encoded_and_partial_forms_of_a_secret_are_redacted(text):
    """Issue 29: the redactor missed these forms of a secret."""
    redacted = redact_text(text, secrets=[CANARY])
    assert SECRET_MASK in redacted
    for form in (CANARY, quote(CANARY, safe=""), quote_plus(CANARY)):
        assert not any(form[i : i + 8] in redacted for i in range(len(form) - 7)), redacted


def test_ordinary_text_and_short_overlaps_are_left_alone():
    text = "CANARY said: connection refused (pass+w0 was tried)"  # runs shorter than 8 characters
    assert redact_text(text, secrets=[CANARY]) == text
