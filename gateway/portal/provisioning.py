"""Provisioning (SCIM): the tokens an identity provider (Entra ID, Okta) provisions the organization with, and the
safety hold that keeps back a sync deactivating or removing too many members at once. Identity and membership
check every rule (security.manage, a recent sign-in to create or rotate a token, the hold's ranges); the page shows
their answer. A new token's secret is on the answer to its creation only (portal pages are never cached)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import scim_token_service_pb2 as token_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb
from tenantry.membership.v1 import scim_hold_service_pb2 as hold_pb

from gateway import convert
from gateway.convert import time_of
from gateway.portal.shared import (
    SignedIn,
    call,
    checked_form,
    confirm_identity,
    form_field,
    notice_of,
    page_refusal,
    portal_page,
    see_other,
    services,
    settings_of,
    signed_in,
    to_sign_in,
)
from gateway.scim.calls import PREFIX as SCIM_PREFIX
from services.common import permissions as p

PROVISIONING_PAGE = "/portal/provisioning"
NOTICES = {
    "token-revoked": "The token was revoked: your identity provider's next request is refused.",
    "policy-saved": "The safety hold's policy was saved.",
    "changes-approved": "The held changes were applied.",
    "changes-rejected": "The held changes were dropped.",
    "identity-confirmed": "Thank you. Make your change again.",
}
# Refusals that ask for a fresh sign-in (identity's privileged window), or a wrong password while giving it.
REAUTHENTICATE = frozenset({"REAUTHENTICATION_REQUIRED", "INVALID_CREDENTIALS", "INVALID_SECOND_FACTOR"})
MAX_TOTP_CODE = 12
MAX_ID = 64
MAX_NUMBER = 9
DAY_SECONDS = 86_400
# Overlaps a rotation offers: the old token keeps working this long while the identity provider is updated.
OVERLAP_HOURS = (0, 1, 24, 72, 168)
# Members looked up to name held changes by email (pages of the largest size); beyond, a change shows its id.
MEMBER_PAGES = 5
MEMBER_PAGE_SIZE = 200


async def provisioning_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render(request, person, notice=notice_of(request, NOTICES))


async def render(request: Request, person: SignedIn, status: int = 200, **values: Any) -> Response:
    caller, clients = person.caller, services(request)
    if p.SECURITY_MANAGE not in caller.principal.permissions:
        return portal_page(request, person, "forbidden.html", "provisioning", 403)
    organization_id = caller.organization_id
    listed = await call(
        request, clients.scim_tokens.ListScimTokens, token_pb.ListScimTokensRequest(include_inactive=True), caller
    )
    held = await call(
        request,
        clients.scim_holds.ListHeldScimChanges,
        hold_pb.ListHeldScimChangesRequest(organization_id=organization_id),
        caller,
    )
    policy = await call(
        request,
        clients.scim_holds.GetScimHoldPolicy,
        hold_pb.GetScimHoldPolicyRequest(organization_id=organization_id),
        caller,
    )
    tokens, now = [convert.scim_token(token) for token in listed.tokens], datetime.now(UTC)
    emails = await _emails_of(request, person, [change.member_id for change in held.changes])
    return portal_page(
        request,
        person,
        "provisioning.html",
        "provisioning",
        status,
        tokens=[{**token, "state": token_state(token, now)} for token in tokens],
        token_names={token["id"]: token["name"] for token in tokens},
        held_changes=[
            {
                "id": change.id,
                "member": emails.get(change.member_id, change.member_id),
                "action": change.action,
                "requested_by": change.requested_by,
                "held_at": time_of(change.held_at),
            }
            for change in held.changes
        ],
        hold_policy={"percent": policy.policy.percent, "floor": policy.policy.floor},
        scim_base_url=f"{settings_of(request).public_url.rstrip('/')}{SCIM_PREFIX}",
        overlap_hours=OVERLAP_HOURS,
        idempotency_key=secrets.token_urlsafe(16),
        **values,
    )


def token_state(token: dict[str, Any], now: datetime) -> str:
    """Revoked, expired, expiring (a rotated token in its overlap, or one given an expiry) or active."""
    if token["revoke_time"]:
        return "revoked"
    if not token["expire_time"]:
        return "active"
    expiry = datetime.fromisoformat(token["expire_time"].removesuffix("Z")).replace(tzinfo=UTC)
    return "expired" if expiry <= now else "expiring"


async def _emails_of(request: Request, person: SignedIn, member_ids: Iterable[str]) -> dict[str, str]:
    """Emails of the held changes' members, so an Owner sees whom a change touches (an id when not found)."""
    wanted = set(member_ids)
    if not wanted or p.MEMBERS_READ not in person.caller.principal.permissions:
        return {}
    found: dict[str, str] = {}
    page_token = ""
    for _ in range(MEMBER_PAGES):
        listed = await call(
            request,
            services(request).membership.ListMembers,
            membership_pb.ListMembersRequest(
                organization_id=person.caller.organization_id, page_size=MEMBER_PAGE_SIZE, page_token=page_token
            ),
            person.caller,
        )
        found.update({member.id: member.email for member in listed.members if member.id in wanted})
        page_token = listed.next_page_token
        if not page_token or wanted <= found.keys():
            break
    return found


async def refused(request: Request, person: SignedIn, error: grpc.aio.AioRpcError) -> Response:
    """The page with the refusal; when identity asks for a recent sign-in, with the form that gives it."""
    refusal = page_refusal(error)
    return await render(
        request,
        person,
        refusal.status,
        error=refusal.message,
        errors_by_field=refusal.field_errors,
        reauthenticate=refusal.reason in REAUTHENTICATE,
    )


async def _posted(request: Request) -> tuple[SignedIn | None, FormData | None, Response | None]:
    """Who posts and their form, or the answer to give instead (sign in; a form from elsewhere)."""
    person = await signed_in(request)
    if person is None:
        return None, None, to_sign_in()
    form = await checked_form(request)
    if form is None:
        return person, None, await render(request, person, 403, error="This request did not come from this site.")
    return person, form, None


async def confirm(request: Request) -> Response:
    """A fresh sign-in of this session (password and code), after which the change is made again."""
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    try:
        await confirm_identity(
            request, person, form_field(form, "password"), form_field(form, "totp_code", MAX_TOTP_CODE)
        )
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    notice = see_other(f"{PROVISIONING_PAGE}?notice=identity-confirmed")
    return person.with_cookie(notice, settings_of(request))


async def create_token(request: Request) -> Response:
    """A new token for the identity provider; its secret and the SCIM base URL are shown on this answer only."""
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    created = token_pb.CreateScimTokenRequest(
        name=form_field(form, "name", 201), idempotency_key=form_field(form, "idempotency_key", 64)
    )
    days = form_field(form, "expire_days", MAX_NUMBER)
    if days.isdigit() and int(days) > 0:
        expiry = Timestamp()
        expiry.GetCurrentTime()
        expiry.seconds += int(days) * DAY_SECONDS
        created.expire_time.CopyFrom(expiry)
    try:
        reply = await call(request, services(request).scim_tokens.CreateScimToken, created, person.caller)
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    return await render(request, person, new_token=convert.scim_token(reply.token), new_secret=reply.secret)


async def rotate_token(request: Request) -> Response:
    """A new secret for a token; the old one keeps working for the chosen overlap while the IdP is updated."""
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    hours = form_field(form, "overlap_hours", MAX_NUMBER)
    rotation = token_pb.RotateScimTokenRequest(
        token_id=form_field(form, "token_id", MAX_ID),
        # Out of range on purpose when not a number, so identity names the field.
        overlap_seconds=int(hours) * 3600 if hours.isdigit() and len(hours) < 6 else -1,
        idempotency_key=form_field(form, "idempotency_key", 64),
    )
    try:
        reply = await call(request, services(request).scim_tokens.RotateScimToken, rotation, person.caller)
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    return await render(
        request,
        person,
        new_token=convert.scim_token(reply.token),
        new_secret=reply.secret,
        rotated_from=convert.scim_token(reply.previous),
    )


async def revoke_token(request: Request) -> Response:
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    revocation = token_pb.RevokeScimTokenRequest(
        token_id=form_field(form, "token_id", MAX_ID), idempotency_key=secrets.token_urlsafe(16)
    )
    try:
        await call(request, services(request).scim_tokens.RevokeScimToken, revocation, person.caller)
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    return see_other(f"{PROVISIONING_PAGE}?notice=token-revoked#tokens")


async def save_hold_policy(request: Request) -> Response:
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    percent, floor = form_field(form, "percent", MAX_NUMBER), form_field(form, "floor", MAX_NUMBER)
    if not percent.isdigit() or not floor.isdigit():
        return await render(request, person, 422, error="Enter whole numbers for the percent and the floor.")
    policy = hold_pb.SetScimHoldPolicyRequest(
        organization_id=person.caller.organization_id,
        policy=hold_pb.ScimHoldPolicy(percent=int(percent), floor=int(floor)),
    )
    try:
        await call(request, services(request).scim_holds.SetScimHoldPolicy, policy, person.caller)
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    return see_other(f"{PROVISIONING_PAGE}?notice=policy-saved#hold")


async def decide_held_changes(request: Request) -> Response:
    """Approve (apply every held change) or reject (drop them all); the page asked to confirm first."""
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    holds, organization_id = services(request).scim_holds, person.caller.organization_id
    decision = request.path_params["decision"]
    try:
        if decision == "approve":
            approve = hold_pb.ApproveHeldScimChangesRequest(organization_id=organization_id)
            await call(request, holds.ApproveHeldScimChanges, approve, person.caller, timeout_factor=3)
            notice = "changes-approved"
        elif decision == "reject":
            reject = hold_pb.RejectHeldScimChangesRequest(organization_id=organization_id)
            await call(request, holds.RejectHeldScimChanges, reject, person.caller)
            notice = "changes-rejected"
        else:
            return portal_page(request, person, "not_found.html", "provisioning", 404)
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    return see_other(f"{PROVISIONING_PAGE}?notice={notice}#hold")
