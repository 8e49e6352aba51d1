"""Team: the member list (search, filters, sort, pages), inviting by email, the actions on one member and on a
selection. CSV import is in `team_import`. Every action is a service call: the buttons shown are those the
service says the person may use (`allowed_actions`), and the service refuses anyway."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

import grpc
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from tenantry.membership.v1 import group_service_pb2 as group_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.models.members import MemberListQuery
from gateway.portal.shared import (
    MAX_FORM_FIELD,
    SignedIn,
    call,
    checked_form,
    form_field,
    notice_of,
    page_refusal,
    portal_page,
    refusal_of,
    see_other,
    services,
    signed_in,
    to_sign_in,
)
from gateway.routing import equality_filter
from services.common import permissions as p

TEAM_PAGE = "/portal/team"
# A page's worth of members, each with a checkbox and its email carried along for the results page.
BULK_FORM_FIELDS = 2 * 200 + 10
NOTICES = {
    "invited": "The invitation is on its way.",
    "role-changed": "The role was changed.",
    "deactivated": "The member was deactivated.",
    "reactivated": "The member was reactivated.",
    "removed": "The member was removed.",
    "revoked": "The invitation was revoked.",
    "resent": "The invitation was sent again with a new link.",
    "seat-given": "The member now uses a seat.",
    "seat-taken": "The member no longer uses a seat; their role's other rights stay.",
}
MEMBER_ACTIONS = {
    "deactivate": ("DeactivateMember", membership_pb.DeactivateMemberRequest, "deactivated"),
    "reactivate": ("ReactivateMember", membership_pb.ReactivateMemberRequest, "reactivated"),
    "remove": ("RemoveMember", membership_pb.RemoveMemberRequest, "removed"),
}


def member_row(member: membership_pb.Member) -> dict[str, Any]:
    return {**convert.member(member), "allowed_actions": list(member.allowed_actions)}


async def role_choices(request: Request, person: SignedIn) -> list[dict[str, Any]]:
    """Every role of the organization, built-in first, as (key, name, uses a seat)."""
    reply = await call(
        request,
        services(request).membership.ListRoles,
        membership_pb.ListRolesRequest(organization_id=person.caller.organization_id),
        person.caller,
    )
    return [
        {"key": role.key, "name": role.name, "uses_seat": p.SEAT_USE in role.permissions, "built_in": built_in}
        for roles, built_in in ((reply.built_in_roles, True), (reply.roles, False))
        for role in roles
    ]


async def group_choices(request: Request, person: SignedIn) -> list[dict[str, Any]]:
    reply = await call(
        request,
        services(request).groups.ListGroups,
        group_pb.ListGroupsRequest(organization_id=person.caller.organization_id, page_size=200),
        person.caller,
    )
    return [convert.group(group) for group in reply.groups]


def member_query(request: Request) -> tuple[MemberListQuery, str]:
    """The list's filters from the address; malformed ones are dropped with a message rather than failing."""
    values = {key: value for key, value in request.query_params.items() if value and key != "notice"}
    try:
        return MemberListQuery.model_validate(values), ""
    except ValidationError:
        return MemberListQuery(), "Some filters were not valid and were ignored."


async def team_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render_team(request, person)


async def render_team(
    request: Request, person: SignedIn, status: int = 200, error: str = "", **values: object
) -> Response:
    caller = person.caller
    query, filter_error = member_query(request)
    try:
        reply = await call(
            request,
            services(request).membership.ListMembers,
            membership_pb.ListMembersRequest(
                organization_id=caller.organization_id,
                page_size=query.page_size or 50,
                page_token=query.page_token or "",
                filter=equality_filter({"status": query.status, "role": query.role, "group_id": query.group_id}),
                search=query.search or "",
                order_by=query.order_by or "",
            ),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
            return portal_page(request, person, "forbidden.html", "team", status=403)
        if exc.code() != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        reply, filter_error = membership_pb.ListMembersResponse(), refusal_of(exc).message
    permissions = set(caller.principal.permissions)
    members = [member_row(member) for member in reply.members]
    return portal_page(
        request,
        person,
        "team.html",
        "team",
        status=status,
        members=members,
        next_page_token=reply.next_page_token,
        query=query.model_dump(exclude_none=True),
        roles=await role_choices(request, person),
        groups=await group_choices(request, person),
        can_invite=p.MEMBERS_INVITE in permissions,
        can_act_in_bulk=any(member["allowed_actions"] for member in members),
        notice=notice_of(request, NOTICES),
        error=error or filter_error,
        idempotency_key=secrets.token_urlsafe(16),
        **values,
    )


async def invite(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request, max_fields=30)
    if form is None:
        return await render_team(request, person, 403, error="This request did not come from this site.")
    invitee = membership_pb.Invitee(
        email=form_field(form, "email", MAX_FORM_FIELD + 1),
        role=form_field(form, "role", MAX_FORM_FIELD + 1),
        display_name=form_field(form, "display_name", MAX_FORM_FIELD + 1),
        group_ids=[str(value)[: MAX_FORM_FIELD + 1] for value in form.getlist("group_ids")][:20],
    )
    reply = await call(
        request,
        services(request).membership.InviteMembers,
        membership_pb.InviteMembersRequest(
            organization_id=person.caller.organization_id,
            invitees=[invitee],
            idempotency_key=form_field(form, "idempotency_key", 64),
        ),
        person.caller,
    )
    outcome = reply.results[0]
    if outcome.error_reason:
        return await render_team(request, person, 422, invite_error=outcome.error_message, invitee=invitee)
    return see_other(f"{TEAM_PAGE}?notice=invited")


async def member_page(request: Request) -> Response:
    """One member: profile, role, status, and the actions allowed on them (found by email: the list links here)."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    email = request.query_params.get("email", "")[: MAX_FORM_FIELD + 1]
    try:
        reply = await call(
            request,
            services(request).membership.ListMembers,
            membership_pb.ListMembersRequest(
                organization_id=person.caller.organization_id, filter=equality_filter({"email": email}), page_size=1
            ),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() not in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.PERMISSION_DENIED):
            raise
        reply = membership_pb.ListMembersResponse()
    if not reply.members:
        return portal_page(request, person, "not_found.html", "team", status=404)
    return portal_page(
        request,
        person,
        "member.html",
        "team",
        member=member_row(reply.members[0]),
        roles=await role_choices(request, person),
        # The seat switch (Talkatoo: an Owner gives up their own licence); membership decides who may use it.
        can_switch_seats=p.MEMBERS_MANAGE_ROLES in person.caller.principal.permissions,
        notice=notice_of(request, NOTICES),
        error=request.query_params.get("error", "")[:300],
    )


def back_to_member(email: str, notice: str = "", error: str = "") -> Response:
    query = {"email": email, **({"notice": notice} if notice else {}), **({"error": error} if error else {})}
    return see_other(f"{TEAM_PAGE}/member?{urlencode(query)}")


async def act_on_member(request: Request) -> Response:
    """Change role, deactivate, reactivate, remove, resend or revoke an invitation: one button of the member
    page. A refusal comes back to the page in the service's words."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    action = request.path_params["action"]
    email = form_field(form, "email", MAX_FORM_FIELD + 1) if form is not None else ""
    if form is None:
        return back_to_member(email, error="This request did not come from this site; reload the page.")
    member_id = form_field(form, "member_id", 64)
    organization_id = person.caller.organization_id
    membership = services(request).membership
    try:
        if action == "role":
            await call(
                request,
                membership.ChangeMemberRole,
                membership_pb.ChangeMemberRoleRequest(
                    organization_id=organization_id,
                    member_id=member_id,
                    role=form_field(form, "role", MAX_FORM_FIELD + 1),
                    etag=form_field(form, "etag", 200),
                ),
                person.caller,
            )
            notice = "role-changed"
        elif action == "seat":
            uses_seat = form_field(form, "uses_seat", 3) == "yes"
            await call(
                request,
                membership.SetMemberSeat,
                membership_pb.SetMemberSeatRequest(
                    organization_id=organization_id,
                    member_id=member_id,
                    uses_seat=uses_seat,
                    etag=form_field(form, "etag", 200),
                ),
                person.caller,
            )
            notice = "seat-given" if uses_seat else "seat-taken"
        elif action == "resend":
            await call(
                request,
                membership.ResendInvitation,
                membership_pb.ResendInvitationRequest(organization_id=organization_id, member_id=member_id),
                person.caller,
            )
            notice = "resent"
        elif action in MEMBER_ACTIONS or action == "revoke":
            rpc_name, request_type, notice = MEMBER_ACTIONS["remove" if action == "revoke" else action]
            await call(
                request,
                getattr(membership, rpc_name),
                request_type(organization_id=organization_id, member_id=member_id),
                person.caller,
            )
            notice = "revoked" if action == "revoke" else notice
        else:
            return portal_page(request, person, "not_found.html", "team", status=404)
    except grpc.aio.AioRpcError as exc:
        return back_to_member(email, error=page_refusal(exc).message)
    if action in ("remove", "revoke"):
        return see_other(f"{TEAM_PAGE}?notice={notice}")
    return back_to_member(email, notice=notice)


async def bulk(request: Request) -> Response:
    """One action on the selected members; the results page lists each member's outcome."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request, max_fields=BULK_FORM_FIELDS)
    if form is None:
        return await render_team(request, person, 403, error="This request did not come from this site.")
    member_ids = [str(value)[:64] for value in form.getlist("member_id")]
    action = form_field(form, "action", 40)
    if not member_ids or action not in convert.BULK_ACTIONS:
        return await render_team(request, person, 422, error="Select members and an action.")
    emails = {member_id: form_field(form, f"email:{member_id}", MAX_FORM_FIELD) for member_id in member_ids}
    reply = await call(
        request,
        services(request).membership.BulkUpdateMembers,
        membership_pb.BulkUpdateMembersRequest(
            organization_id=person.caller.organization_id,
            member_ids=member_ids,
            action=convert.BULK_ACTIONS[action],
            role=form_field(form, "role", MAX_FORM_FIELD + 1),
            group_ids=[str(value)[:64] for value in form.getlist("group_ids")][:20],
        ),
        person.caller,
        timeout_factor=6,
    )
    results = [
        {"email": emails.get(result.member_id) or result.member_id, **convert.member_outcome(result)}
        for result in reply.results
    ]
    return portal_page(
        request,
        person,
        "bulk_results.html",
        "team",
        action=action,
        results=results,
        succeeded=sum(1 for result in results if result["error"] is None),
    )
