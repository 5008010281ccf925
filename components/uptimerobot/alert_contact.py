"""UptimeRobot personal email alert contact: `/alert-contacts` in API v3. `AlertContactArgs` is its property table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi

from .base import PROVIDER_VERSION, UptimeRobotProvider, UptimeRobotResource
from .kinds import Text
from .schema import Output, ResourceArgs, Schema, column

if TYPE_CHECKING:
    from .client import UptimeRobotClient

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _only_email(value: str, given: Any) -> str | None:
    return None if value == "email" else f"type must be 'email' (got {given!r})"


def _email_address(value: str, given: Any) -> str | None:
    if _EMAIL_RE.match(value):
        return None
    return f"value must be an email address like ops@example.com, got {value!r}"


@dataclass
class AlertContactArgs(ResourceArgs):
    """A personal email alert contact. `name` defaults to the Pulumi resource name.

    `type` and `value` are create-only: the v3 PATCH cannot change either. Addresses compare
    case-insensitively, as adoption matches them, so a spelling never replaces a contact.
    """

    value: pulumi.Input[str] = field(
        metadata=column("value", Text(problem=_email_address), create_only=True, casefold=True)
    )
    name: pulumi.Input[str] | None = field(default=None, metadata=column("friendlyName", Text()))
    type: pulumi.Input[str] = field(
        default="email",
        metadata=column(
            "type",
            Text(case=str.lower, problem=_only_email, codes={2: "email"}, sent_as={"email": "Email"}),
            create_only=True,
        ),
    )
    provider_version: str = field(default=PROVIDER_VERSION, metadata=column(None, Text(required=False)))


ALERT_CONTACT = Schema(
    AlertContactArgs,
    outputs={
        "status": Output(
            "Activation state as UptimeRobot reports it (new email contacts must be confirmed by mail).", api="status"
        ),
        "adopted": Output(
            "True when the contact already existed (another stack's, or made by hand) and this stack took it "
            "over: contacts are account-wide, so delete leaves an adopted one in place.",
            python_type=bool,
        ),
    },
)


class AlertContactProvider(UptimeRobotProvider):
    """Personal email alert contact: `/alert-contacts` in API v3."""

    schema = ALERT_CONTACT
    kind = "alert contact"
    path = "/alert-contacts"

    def _find(self, client: UptimeRobotClient, desired: Mapping[str, Any], deadline: float):
        """The account's contact with this type and address, compared case-insensitively (adoption).
        Reads every page of the listing (up to the cap), as monitors do."""
        consequence = "so it cannot tell whether the contact exists; nothing was created"
        for contact in client.listing("/user/alert-contacts", None, deadline, "alert contacts", consequence):
            if not isinstance(contact, Mapping):
                continue
            # The same contact when nothing that would replace it differs; another name is updated.
            changed = self.schema.changed(self.schema.read(contact, desired), desired)
            if not self.schema.replaces(changed) and self._adoptable(contact):
                return contact
        return None


class AlertContact(UptimeRobotResource, module="uptimerobot", name="AlertContact"):
    """UptimeRobot email alert contact (API v3 `/alert-contacts`). Use `.id` in AssignedAlertContact."""

    provider_class = AlertContactProvider
