"""The Sentry token is named once (components/sentry/tokens.py) and the checklist, the errors, the README and
docs/pipeline.md say the same (issue 32: the checklist asked for an "organization token", which is refused for
team memberships, and docs/pipeline.md for "a token of a member of staging's team", a team the first up creates)."""

from __future__ import annotations

import re

import pytest

from components.sentry.service import SERVICE
from components.sentry.tokens import PREVIEW_SCOPES, UP_SCOPES
from tests.support.env import ROOT

WRONG = ("organization token (or internal integration)", "a token of a member of", "member of staging's team")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("document", ["README.md", "docs/pipeline.md"])
def test_the_docs_name_the_token_an_up_needs_in_the_same_words(document):
    text = _flat((ROOT / document).read_text())
    assert UP_SCOPES in text
    for wrong in WRONG:
        assert wrong not in text


def test_each_sentry_secret_of_the_pipeline_is_one_of_the_named_tokens():
    rows = [line for line in (ROOT / "docs" / "pipeline.md").read_text().splitlines() if "SENTRY_AUTH_TOKEN` |" in line]
    assert len(rows) == 3
    for row in rows:
        environment, holds = (cell.strip() for cell in row.split("|")[2:4])
        assert holds == (UP_SCOPES if environment == "`staging`" else PREVIEW_SCOPES), row


def test_the_checklist_and_the_errors_ask_for_the_same_token(fresh_clone_documents):
    for stack in ("staging", "production"):
        checklist = _flat(fresh_clone_documents[f"checklist-{stack}"])
        assert f"is {UP_SCOPES}." in checklist
        assert "team membership (2)" in checklist  # what needs the stronger token is listed
        for wrong in WRONG:
            assert wrong not in checklist
    assert UP_SCOPES in SERVICE.credential_help
