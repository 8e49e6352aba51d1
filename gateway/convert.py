"""Protobuf messages as the REST API's JSON: snake_case fields, RFC 3339 times, numbers as numbers."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.common.v1 import common_pb2
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb


def time_of(stamp: Timestamp) -> str | None:
    if stamp.seconds == 0 and stamp.nanos == 0:
        return None
    return stamp.ToDatetime().isoformat(timespec="milliseconds") + "Z"


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
        "group_creation_policy": value.group_creation_policy,
        "invitation_ttl_days": value.invitation_ttl_days,
        "deletion_time": time_of(value.deletion_time),
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


def principal(value: common_pb2.Principal) -> dict[str, Any]:
    return {
        "actor": actor(value.actor),
        "account_id": value.account_id,
        "organization_id": value.organization_id,
        "permissions": list(value.permissions),
        "credential_id": value.credential_id,
        "authenticate_time": time_of(value.authenticate_time) if value.HasField("authenticate_time") else None,
    }
