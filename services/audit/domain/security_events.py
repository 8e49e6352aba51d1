"""Security events about an account belong to the logs of the organizations it is a member of.

Identity publishes some of them with no organization: a lockout or a failed sign-in concerns the account,
and a password or MFA change made outside an organization's context has none. Recorded only under the
empty organization, its admins never see them. Each such event is also copied into the log of every
organization where the account holds a membership, under an id derived from the event and the
organization, so a redelivery writes nothing twice.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from services.audit.domain.model import AuditRecord

# Event types (producer-qualified) that describe what happened to an account's access.
ACCOUNT_SECURITY_EVENTS = frozenset(
    {
        "identity.sign_in.failed",
        "identity.login.locked",
        "identity.mfa.enabled",
        "identity.mfa.disabled",
        "identity.password.changed",
        "identity.session.started",
        "identity.session.ended",
        "identity.credential.revoked",
    }
)
# Memberships whose organization sees its member's security events: not a pending invitation, not a removed member.
VISIBLE_MEMBER_STATUSES = frozenset({"active", "deactivated"})
_FAN_OUT_NAMESPACE = uuid.UUID("6f1d3c2e-5b7a-4e0f-9a41-3c8e2d7b9f10")


def account_of(record: AuditRecord) -> str:
    """The account a security event is about: its payload's account, else an account target; "" if none."""
    if record.details:
        try:
            details = json.loads(record.details)
        except ValueError:
            details = {}
        if isinstance(details, dict) and isinstance(details.get("account_id"), str) and details["account_id"]:
            return details["account_id"]
    return record.target_id if record.target_type == "account" else ""


def needs_fan_out(record: AuditRecord) -> bool:
    return not record.organization_id and record.event_type in ACCOUNT_SECURITY_EVENTS and bool(account_of(record))


def copy_for(record: AuditRecord, organization_id: str) -> AuditRecord:
    """The record as it appears in one organization's log; actor, IP, user agent and details kept."""
    copy_id = str(uuid.uuid5(_FAN_OUT_NAMESPACE, f"{record.id}:{organization_id}"))
    return replace(record, id=copy_id, organization_id=organization_id)
