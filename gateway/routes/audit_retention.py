"""REST routes of audit retention: how long the organization's log keeps entries."""

from __future__ import annotations

from tenantry.audit.v1 import retention_service_pb2 as retention_pb

from gateway.models.audit_retention import Retention, RetentionChange
from gateway.routes.audit import _precise
from gateway.routing import ApiRoute, Context


def _retention(
    reply: retention_pb.GetRetentionResponse | retention_pb.UpdateRetentionResponse | retention_pb.SetLegalHoldResponse,
) -> Retention:
    value = reply.retention
    return Retention.model_validate(
        {
            "configured": value.configured,
            "days": value.days,
            "legal_hold": value.legal_hold,
            "legal_hold_reason": value.legal_hold_reason,
            "update_time": _precise(value.update_time),
        }
    )


async def get_retention(context: Context) -> Retention:
    reply = await context.call(
        context.clients.audit_retention.GetRetention,
        retention_pb.GetRetentionRequest(organization_id=context.organization_id),
    )
    return _retention(reply)


async def update_retention(context: Context) -> Retention:
    change = context.body_as(RetentionChange)
    reply = await context.call(
        context.clients.audit_retention.UpdateRetention,
        retention_pb.UpdateRetentionRequest(organization_id=context.organization_id, days=change.days),
    )
    return _retention(reply)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/audit/retention",
        get_retention,
        "How long the organization's audit log keeps entries, and whether an operator's legal hold stops deletion "
        "(audit.read).",
        response=Retention,
    ),
    ApiRoute(
        "PUT",
        "/v1/audit/retention",
        update_retention,
        "Keep audit entries this many days, 30 to 365 and within the plan's retention_days (security.manage); "
        "older entries are deleted by the retention job, each deletion recorded in the log.",
        body=RetentionChange,
        response=Retention,
    ),
)
