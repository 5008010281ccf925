"""The shared stack's secret hygiene: credentials read stripped and refused with control characters, and
the provider boundary, where every exception leaves as its type and redacted text (repr forms too)."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

import pytest

from components.saas_http import ApiError, BadCredentialError, Limits, Redactor, Service, read_credential, reported
from tests.support.sentry import assert_no_token

TOKEN = "CANARYsharedToken7d1c0e55"
SERVICE = Service(name="Example", env_prefix="EXAMPLE", default_url="https://api.example.com", credential_help="x")


def test_a_credential_is_stripped_and_one_with_a_control_character_inside_is_refused():
    assert read_credential(f"  {TOKEN}\r\n", "EXAMPLE_TOKEN") == TOKEN
    assert read_credential(" \n", "EXAMPLE_TOKEN") is None
    with pytest.raises(BadCredentialError, match="EXAMPLE_TOKEN holds a control character") as info:
        read_credential(TOKEN[:9] + "\x00" + TOKEN[9:], "EXAMPLE_TOKEN")
    assert_no_token(info.value, TOKEN)


@pytest.mark.parametrize(
    "message",
    [
        lambda t: f"Invalid header value {('Bearer ' + t).encode()!r}",  # http.client's, with \r\n escaped
        lambda t: f"Illegal header value {('Bearer ' + t)!r}",
        lambda t: f"echoed: {t}",
        lambda t: json.dumps({"detail": t}),
    ],
    ids=["bytes-repr", "str-repr", "raw", "json"],
)
@pytest.mark.parametrize("secret", [TOKEN, TOKEN + "\r\n", TOKEN[:12] + "\r" + TOKEN[12:]], ids=["plain", "crlf", "cr"])
def test_an_unexpected_exception_leaves_the_boundary_as_its_type_and_redacted_text(message, secret):
    with pytest.raises(ApiError, match=r"^Example: unexpected ValueError: .*\*\*\*") as info:
        with reported("Example", [secret]):
            raise ValueError(message(secret))
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert_no_token(info.value, secret)


def test_an_api_error_keeps_its_class_and_loses_any_echo():
    with pytest.raises(BadCredentialError) as info:
        with reported("Example", [TOKEN]):
            raise BadCredentialError(f"server said {TOKEN!r}")
    assert str(info.value) == "server said '***'"


SPACED = "CANARY shared/Token+7d1c=0e55&x"  # a secret with characters a URL or a form body encodes


@pytest.mark.parametrize(
    "message",
    [
        lambda t: f"GET /v3/monitors?api_key={quote(t, safe='')} failed",  # percent-encoded, upper-case hex
        lambda t: f"body: token={quote_plus(t).lower()}",  # form-encoded, lower-case hex
        lambda t: f"Invalid token {t[:14]}…",  # a message cut mid-secret
        lambda t: f"token ending {t[-12:]} refused",  # the server quoting part of it
        lambda t: f"{quote(t, safe='')[5:25]}",  # part of the encoded form
    ],
    ids=["percent", "form-lower", "prefix", "suffix", "encoded-part"],
)
def test_percent_encoded_and_partial_forms_of_a_secret_are_redacted(message):
    """Issue 29: canaries in the forms the redactor used to miss."""
    text = Redactor([SPACED])(message(SPACED))
    assert "***" in text
    for form in (SPACED, quote(SPACED, safe=""), quote_plus(SPACED)):
        assert not any(form[i : i + 8] in text for i in range(len(form) - 7)), text


def test_redaction_is_longest_form_first():
    redact = Redactor([TOKEN + "\n"])
    assert redact(f"a {TOKEN}\\n b {TOKEN} c") == "a *** b *** c"


def test_limits_come_from_the_service_prefix_and_name_a_wrong_value(monkeypatch):
    env = {"EXAMPLE_REQUEST_TIMEOUT": "2.5", "EXAMPLE_RETRY_TIMEOUT": "9", "EXAMPLE_MAX_PAGES": "4"}
    assert Limits.from_environment(SERVICE, env, requests_per_minute=5) == Limits(2.5, 9.0, 4, 5.0)
    with pytest.raises(ApiError, match="EXAMPLE_RETRY_TIMEOUT must be a number, got 'soon'"):
        Limits.from_environment(SERVICE, {"EXAMPLE_RETRY_TIMEOUT": "soon"})
