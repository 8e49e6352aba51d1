"""Protobuf messages as the REST API's JSON: snake_case fields, RFC 3339 times, numbers as numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.common.v1 import common_pb2
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import scim_token_service_pb2 as scim_token_pb
from tenantry.membership.v1 import group_service_pb2 as group_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb


def time_of(stamp: Timestamp) -> str | None:
    if stamp.seconds == 0 and stamp.nanos == 0:
        return None
    return stamp.ToDatetime().isoformat(timespec="milliseconds") + "Z"


def timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC).replace(tzinfo=None))
    return stamp


def _enum_word(name: str, prefix: str) -> str:
    return name.removeprefix(prefix).lower()


def actor(value: common_pb2.Actor) -> dict[str, Any]:
    return {
        "type": _enum_word(common_pb2.ActorType.Name(value.type), "ACTOR_TYPE_"),
        "id": value.id,
        "display": value.display,
        "ip_address": value.ip_address,
        "user_agent": value.user_agent,
    }


def member(value: membership_pb.Member) -> dict[str, Any]:
    return {
        "id": value.id,
        "organization_id": value.organization_id,
        "account_id": value.account_id or None,
        "email": value.email,
        "display_name": value.display_name,
        "role": value.role,
        "status": _enum_word(membership_pb.MemberStatus.Name(value.status), "MEMBER_STATUS_"),
        "create_time": time_of(value.create_time),
        "last_sign_in_time": time_of(value.last_sign_in_time),
        "profile": dict(value.profile),
        "uses_seat": value.uses_seat,
        "etag": value.etag,
    }


def organization(value: membership_pb.Organization) -> dict[str, Any]:
    return {
        "id": value.id,
        "display_name": value.display_name,
        "create_time": time_of(value.create_time),
        "member_counts": {
            "active": value.active_member_count,
            "invited": value.invited_member_count,
            "deactivated": value.deactivated_member_count,
        },
        "logo_url": value.logo_url,
        "brand_color": value.brand_color,
        "secondary_color": value.secondary_color,
        "accent_color": value.accent_color,
        "welcome_message": value.welcome_message,
        "welcome_video_url": value.welcome_video_url,
        "group_creation_policy": value.group_creation_policy,
        "invitation_ttl_days": value.invitation_ttl_days,
        "deletion_time": time_of(value.deletion_time),
        "requested_deletion_time": time_of(value.requested_deletion_time),
        "etag": value.etag,
    }


def seat_usage(value: billing_pb.SeatUsage) -> dict[str, Any]:
    return {
        "organization_id": value.organization_id,
        "purchased": value.purchased,
        "active": value.active,
        "invited": value.invited,
        "in_use": value.in_use,
        "available": value.available,
    }


def audit_entry(value: audit_pb.AuditEntry) -> dict[str, Any]:
    return {
        "id": value.id,
        "organization_id": value.organization_id,
        "action": value.action,
        "actor": actor(value.actor),
        "target_type": value.target_type,
        "target_id": value.target_id,
        "target_display": value.target_display,
        "occur_time": time_of(value.occur_time),
        "request_id": value.request_id,
        "sequence": value.sequence,
        "hash": value.hash,
        "details": json_format.MessageToDict(value.details) if value.HasField("details") else None,
    }


def api_key(value: identity_pb.ApiKey) -> dict[str, Any]:
    return {
        "id": value.id,
        "organization_id": value.organization_id,
        "name": value.name,
        "prefix": value.prefix,
        "permissions": list(value.permissions),
        "create_time": time_of(value.create_time),
        "expire_time": time_of(value.expire_time) if value.HasField("expire_time") else None,
        "last_use_time": time_of(value.last_use_time) if value.HasField("last_use_time") else None,
        "revoke_time": time_of(value.revoke_time) if value.HasField("revoke_time") else None,
        "kind": value.kind,
        "creator_id": value.creator_id,
    }


def scim_token(value: scim_token_pb.ScimToken) -> dict[str, Any]:
    return {
        "id": value.id,
        "organization_id": value.organization_id,
        "name": value.name,
        "prefix": value.prefix,
        "create_time": time_of(value.create_time),
        "expire_time": time_of(value.expire_time) if value.HasField("expire_time") else None,
        "last_use_time": time_of(value.last_use_time) if value.HasField("last_use_time") else None,
        "revoke_time": time_of(value.revoke_time) if value.HasField("revoke_time") else None,
        "creator_id": value.creator_id,
    }


def principal(value: common_pb2.Principal) -> dict[str, Any]:
    return {
        "actor": actor(value.actor),
        "account_id": value.account_id,
        "organization_id": value.organization_id,
        "permissions": list(value.permissions),
        "credential_id": value.credential_id,
        "authenticate_time": time_of(value.authenticate_time) if value.HasField("authenticate_time") else None,
    }


def member_outcome(result: Any, **identity: Any) -> dict[str, Any]:
    """One per-member result of a batch (invitation, bulk action, import row): who, the member when it
    succeeded, the error when it did not."""
    return {
        **identity,
        "member": member(result.member) if result.HasField("member") else None,
        "error": {"reason": result.error_reason, "message": result.error_message} if result.error_reason else None,
    }


FIELD_TYPES = {
    "text": membership_pb.PROFILE_FIELD_TYPE_TEXT,
    "choice": membership_pb.PROFILE_FIELD_TYPE_CHOICE,
    "date": membership_pb.PROFILE_FIELD_TYPE_DATE,
}


FIELD_TYPE_NAMES = {code: name for name, code in FIELD_TYPES.items()}


def profile_field(field: membership_pb.ProfileField) -> dict[str, Any]:
    return {
        "key": field.key,
        "label": field.label,
        "type": FIELD_TYPE_NAMES.get(field.type, ""),
        "choices": list(field.choices),
        "shown": field.shown,
    }


def role(role: membership_pb.Role) -> dict[str, Any]:
    return {"key": role.key, "name": role.name, "permissions": list(role.permissions)}


KINDS = {"team": group_pb.GROUP_KIND_TEAM, "workspace": group_pb.GROUP_KIND_WORKSPACE}


KIND_NAMES = {value: name for name, value in KINDS.items()}


def group(group: group_pb.Group) -> dict[str, Any]:
    return {
        "id": group.id,
        "organization_id": group.organization_id,
        "name": group.name,
        "description": group.description,
        "kind": KIND_NAMES.get(group.kind, "team"),
        "category": group.category,
        "is_default": group.is_default,
        "locked": group.locked,
        "member_count": group.member_count,
        "create_time": time_of(group.create_time),
        "etag": group.etag,
        "scim_managed": group.scim_managed,
    }


def money(value: common_pb2.Money) -> dict[str, Any]:
    """Money stays exact: integer minor units plus the ISO 4217 code (no floats in the API)."""
    return {"amount_minor": value.amount_minor, "currency": value.currency}


def plan(plan: billing_pb.Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "name": plan.name,
        "price_per_seat": money(plan.price_per_seat),
        "interval": plan.interval,
        "minimum_seats": plan.minimum_seats,
        "maximum_seats": plan.maximum_seats,
        "trial_days": plan.trial_days,
        "entitlements": list(plan.entitlements),
    }


def billing_profile(profile: billing_pb.BillingProfile) -> dict[str, Any]:
    return {
        "legal_name": profile.legal_name,
        "address": profile.address,
        "country": profile.country,
        "vat_id": profile.vat_id,
        "tax_rate_basis_points": profile.tax_rate_basis_points,
        "billing_email": profile.billing_email,
    }


def payment_method(method: billing_pb.PaymentMethod) -> dict[str, Any]:
    return {
        "kind": method.kind,
        "label": method.label,
        "reference": method.reference,
        "brand": method.brand,
        "last4": method.last4,
        "expiry_month": method.expiry_month,
        "expiry_year": method.expiry_year,
        "display": method.display,
    }


def subscription(subscription: billing_pb.Subscription) -> dict[str, Any]:
    return {
        "organization_id": subscription.organization_id,
        "plan_id": subscription.plan_id,
        "status": subscription.status,
        "seats_purchased": subscription.seats_purchased,
        "seats_at_renewal": subscription.seats_at_renewal or None,
        "current_period_start": time_of(subscription.current_period_start),
        "current_period_end": time_of(subscription.current_period_end),
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "cancel_time": time_of(subscription.cancel_time),
        "failed_payment_attempts": subscription.failed_payment_attempts,
        "next_payment_attempt_time": time_of(subscription.next_payment_attempt_time),
        "billing_profile": billing_profile(subscription.billing_profile),
        "payment_method": payment_method(subscription.payment_method),
        "version": subscription.version,
        "plan_at_renewal": subscription.plan_at_renewal or None,
    }


def invoice(invoice: billing_pb.Invoice) -> dict[str, Any]:
    return {
        "id": invoice.id or None,
        "number": invoice.number or None,
        "status": invoice.status,
        "reason": invoice.reason,
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_amount": money(line.unit_amount),
                "amount": money(line.amount),
                "period_start": time_of(line.period_start),
                "period_end": time_of(line.period_end),
            }
            for line in invoice.lines
        ],
        "subtotal": money(invoice.subtotal),
        "tax": money(invoice.tax),
        "total": money(invoice.total),
        "tax_rate_basis_points": invoice.tax_rate_basis_points,
        "period_start": time_of(invoice.period_start),
        "period_end": time_of(invoice.period_end),
        "issue_time": time_of(invoice.issue_time),
        "paid_time": time_of(invoice.paid_time),
        "billing_profile": billing_profile(invoice.billing_profile),
    }


def payment(payment: billing_pb.Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "invoice_id": payment.invoice_id,
        "amount": money(payment.amount),
        "status": payment.status,
        "method": payment.method,
        "reference": payment.reference,
        "failure_reason": payment.failure_reason,
        "attempt_time": time_of(payment.attempt_time),
    }


def credit_note(note: billing_pb.CreditNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "number": note.number,
        "invoice_id": note.invoice_id,
        "invoice_number": note.invoice_number,
        "reason": note.reason,
        "subtotal": money(note.subtotal),
        "tax": money(note.tax),
        "total": money(note.total),
        "tax_rate_basis_points": note.tax_rate_basis_points,
        "issue_time": time_of(note.issue_time),
    }


def session(session: identity_pb.Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "account_id": session.account_id,
        "organization_id": session.organization_id,
        "create_time": time_of(session.create_time),
        "expire_time": time_of(session.expire_time),
        "last_seen_time": time_of(session.last_seen_time),
        "ip_address": session.ip_address,
        "user_agent": session.user_agent,
        "current": session.current,
    }


def security_policy(policy: identity_pb.SecurityPolicy) -> dict[str, Any]:
    return {
        "organization_id": policy.organization_id,
        "session_idle_timeout_seconds": policy.session_idle_timeout_seconds,
        "session_absolute_lifetime_seconds": policy.session_absolute_lifetime_seconds,
        "password_min_length": policy.password_min_length,
        "admin_password_min_length": policy.admin_password_min_length,
        "password_required_classes": policy.password_required_classes,
        "mfa_required": policy.mfa_required,
        "privacy_mode": policy.privacy_mode,
        "allowed_invitation_domains": list(policy.allowed_invitation_domains),
        "etag": policy.etag,
        "update_time": time_of(policy.update_time) if policy.HasField("update_time") else None,
    }


BULK_ACTIONS = {
    "change_role": membership_pb.BULK_ACTION_CHANGE_ROLE,
    "deactivate": membership_pb.BULK_ACTION_DEACTIVATE,
    "reactivate": membership_pb.BULK_ACTION_REACTIVATE,
    "remove": membership_pb.BULK_ACTION_REMOVE,
    "add_to_groups": membership_pb.BULK_ACTION_ADD_TO_GROUPS,
    "remove_from_groups": membership_pb.BULK_ACTION_REMOVE_FROM_GROUPS,
}


def group_member(value: group_pb.GroupMember) -> dict[str, Any]:
    return {
        "member_id": value.member_id,
        "email": value.email,
        "display_name": value.display_name,
        "is_admin": value.is_admin,
    }


def membership_outcome(result: Any) -> dict[str, Any]:
    """One member joining or leaving one group: the error when it failed."""
    return {
        "member_id": result.member_id,
        "group_id": result.group_id,
        "error": {"reason": result.error_reason, "message": result.error_message} if result.error_reason else None,
    }


def seat_difference(difference: billing_pb.SeatDifference) -> dict[str, Any]:
    return {
        "member_id": difference.member_id,
        "kind": difference.kind,
        "membership_status": difference.membership_status or None,
        "billing_status": difference.billing_status or None,
    }
