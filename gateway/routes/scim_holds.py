"""REST routes of the SCIM safety hold (membership's ScimHoldService): the held deactivations and removals an
Owner approves or rejects, and the organization's threshold; and of the SCIM provisioning settings (dry-run mode,
automatic seat purchase) with the changes dry-run mode recorded."""

from __future__ import annotations

from collections.abc import Iterable

from tenantry.membership.v1 import scim_hold_service_pb2 as pb

from gateway.convert import time_of
from gateway.models.billing import PageQuery
from gateway.models.scim_holds import (
    ClearedScimDryRunChanges,
    HeldScimChangeList,
    ScimDryRunChangeList,
    ScimHoldPolicy,
    ScimHoldPolicyReply,
    ScimProvisioningSettings,
    ScimProvisioningSettingsReply,
)
from gateway.routing import ApiRoute, Context


def _held(changes: Iterable[pb.HeldScimChangeInfo]) -> HeldScimChangeList:
    return HeldScimChangeList.model_validate(
        {
            "held_changes": [
                {
                    "id": c.id,
                    "member_id": c.member_id,
                    "action": c.action,
                    "requested_by": c.requested_by,
                    "held_at": time_of(c.held_at),
                }
                for c in changes
            ]
        }
    )


async def list_held_scim_changes(context: Context) -> HeldScimChangeList:
    reply = await context.call(
        context.clients.scim_holds.ListHeldScimChanges,
        pb.ListHeldScimChangesRequest(organization_id=context.organization_id),
    )
    return _held(reply.changes)


async def approve_held_scim_changes(context: Context) -> HeldScimChangeList:
    reply = await context.call(
        context.clients.scim_holds.ApproveHeldScimChanges,
        pb.ApproveHeldScimChangesRequest(organization_id=context.organization_id),
    )
    return _held(reply.changes)


async def reject_held_scim_changes(context: Context) -> HeldScimChangeList:
    reply = await context.call(
        context.clients.scim_holds.RejectHeldScimChanges,
        pb.RejectHeldScimChangesRequest(organization_id=context.organization_id),
    )
    return _held(reply.changes)


async def get_scim_hold_policy(context: Context) -> ScimHoldPolicyReply:
    reply = await context.call(
        context.clients.scim_holds.GetScimHoldPolicy,
        pb.GetScimHoldPolicyRequest(organization_id=context.organization_id),
    )
    return ScimHoldPolicyReply(percent=reply.policy.percent, floor=reply.policy.floor)


async def set_scim_hold_policy(context: Context) -> ScimHoldPolicyReply:
    body = context.body_as(ScimHoldPolicy)
    reply = await context.call(
        context.clients.scim_holds.SetScimHoldPolicy,
        pb.SetScimHoldPolicyRequest(
            organization_id=context.organization_id,
            policy=pb.ScimHoldPolicy(percent=body.percent, floor=body.floor),
        ),
    )
    return ScimHoldPolicyReply(percent=reply.policy.percent, floor=reply.policy.floor)


def _settings(settings: pb.ScimProvisioningSettings) -> ScimProvisioningSettingsReply:
    return ScimProvisioningSettingsReply(
        dry_run=settings.dry_run, auto_purchase_seats=settings.auto_purchase_seats, max_seats=settings.max_seats
    )


async def get_scim_provisioning_settings(context: Context) -> ScimProvisioningSettingsReply:
    reply = await context.call(
        context.clients.scim_holds.GetScimProvisioningSettings,
        pb.GetScimProvisioningSettingsRequest(organization_id=context.organization_id),
    )
    return _settings(reply.settings)


async def set_scim_provisioning_settings(context: Context) -> ScimProvisioningSettingsReply:
    body = context.body_as(ScimProvisioningSettings)
    reply = await context.call(
        context.clients.scim_holds.SetScimProvisioningSettings,
        pb.SetScimProvisioningSettingsRequest(
            organization_id=context.organization_id,
            settings=pb.ScimProvisioningSettings(
                dry_run=body.dry_run, auto_purchase_seats=body.auto_purchase_seats, max_seats=body.max_seats
            ),
        ),
    )
    return _settings(reply.settings)


async def list_scim_dry_run_changes(context: Context) -> ScimDryRunChangeList:
    page = context.params_as(PageQuery)
    reply = await context.call(
        context.clients.scim_holds.ListScimDryRunChanges,
        pb.ListScimDryRunChangesRequest(
            organization_id=context.organization_id, page_size=page.page_size or 0, page_token=page.page_token or ""
        ),
    )
    return ScimDryRunChangeList.model_validate(
        {
            "changes": [
                {
                    "id": c.id,
                    "kind": c.kind,
                    "target_id": c.target_id,
                    "target": c.target,
                    "summary": c.summary,
                    "requested_by": c.requested_by,
                    "recorded_at": time_of(c.recorded_at),
                }
                for c in reply.changes
            ],
            "next_page_token": reply.next_page_token,
        }
    )


async def clear_scim_dry_run_changes(context: Context) -> ClearedScimDryRunChanges:
    reply = await context.call(
        context.clients.scim_holds.ClearScimDryRunChanges,
        pb.ClearScimDryRunChangesRequest(organization_id=context.organization_id),
    )
    return ClearedScimDryRunChanges(cleared=reply.cleared)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/scim/held-changes",
        list_held_scim_changes,
        "SCIM deactivations and removals the safety hold keeps back, oldest first (security.manage).",
        response=HeldScimChangeList,
    ),
    ApiRoute(
        "POST",
        "/v1/scim/held-changes/approve",
        approve_held_scim_changes,
        "Apply every held SCIM change, audited; answers the changes applied (security.manage).",
        response=HeldScimChangeList,
    ),
    ApiRoute(
        "POST",
        "/v1/scim/held-changes/reject",
        reject_held_scim_changes,
        "Drop every held SCIM change unapplied, audited; answers the changes dropped (security.manage).",
        response=HeldScimChangeList,
    ),
    ApiRoute(
        "GET",
        "/v1/scim/hold-policy",
        get_scim_hold_policy,
        "The safety hold's threshold: more than max(floor, percent % of the members) SCIM deactivations and "
        "removals within an hour are held (security.manage).",
        response=ScimHoldPolicyReply,
    ),
    ApiRoute(
        "PUT",
        "/v1/scim/hold-policy",
        set_scim_hold_policy,
        "Set the safety hold's threshold (security.manage).",
        body=ScimHoldPolicy,
        response=ScimHoldPolicyReply,
    ),
    ApiRoute(
        "GET",
        "/v1/scim/provisioning-settings",
        get_scim_provisioning_settings,
        "The organization's SCIM provisioning settings: dry-run mode and automatic seat purchase up to a cap "
        "(security.manage).",
        response=ScimProvisioningSettingsReply,
    ),
    ApiRoute(
        "PUT",
        "/v1/scim/provisioning-settings",
        set_scim_provisioning_settings,
        "Set the SCIM provisioning settings; turning dry-run mode off is audited (security.manage).",
        body=ScimProvisioningSettings,
        response=ScimProvisioningSettingsReply,
    ),
    ApiRoute(
        "GET",
        "/v1/scim/dry-run-changes",
        list_scim_dry_run_changes,
        "What SCIM writes would have changed while dry-run mode was on, oldest first, a page at a time "
        "(security.manage).",
        query=PageQuery,
        response=ScimDryRunChangeList,
    ),
    ApiRoute(
        "DELETE",
        "/v1/scim/dry-run-changes",
        clear_scim_dry_run_changes,
        "Delete every recorded dry-run change (security.manage).",
        response=ClearedScimDryRunChanges,
    ),
)
