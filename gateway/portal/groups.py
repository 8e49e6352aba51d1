"""Groups: the list by category, creating a team or workspace, one group's members (adding by email, removing),
and deleting. Membership holds every rule (locked groups, the creation policy, the 10-workspace limit) and its
refusal is shown as it words it."""

from __future__ import annotations

import secrets
from collections import defaultdict

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.membership.v1 import group_service_pb2 as group_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.portal.shared import (
    MAX_FORM_FIELD,
    SignedIn,
    call,
    checked_form,
    form_field,
    notice_of,
    page_refusal,
    portal_page,
    see_other,
    services,
    signed_in,
    to_sign_in,
)
from gateway.routing import equality_filter
from services.common import permissions as p

GROUPS_PAGE = "/portal/groups"
NOTICES = {
    "created": "The group was created.",
    "deleted": "The group was deleted.",
    "added": "The member was added.",
    "removed": "The member was removed from the group.",
}


async def groups_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render_groups(request, person, notice=notice_of(request, NOTICES))


async def render_groups(request: Request, person: SignedIn, status: int = 200, **values: object) -> Response:
    try:
        reply = await call(
            request,
            services(request).groups.ListGroups,
            group_pb.ListGroupsRequest(organization_id=person.caller.organization_id, page_size=200),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
            return portal_page(request, person, "forbidden.html", "groups", 403)
        raise
    by_category: dict[str, list[dict[str, object]]] = defaultdict(list)
    for group in reply.groups:
        by_category[group.category].append(convert.group(group))
    held = set(person.caller.principal.permissions)
    return portal_page(
        request,
        person,
        "groups.html",
        "groups",
        status,
        categories=sorted(by_category.items()),
        can_create=bool({p.GROUPS_CREATE, p.GROUPS_MANAGE} & held),
        can_manage=p.GROUPS_MANAGE in held,
        idempotency_key=secrets.token_urlsafe(16),
        **values,
    )


async def create_group(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render_groups(request, person, 403, error="This request did not come from this site.")
    kind = form_field(form, "kind", 20)
    group = group_pb.Group(
        name=form_field(form, "name", MAX_FORM_FIELD + 1),
        description=form_field(form, "description", MAX_FORM_FIELD + 1),
        category=form_field(form, "category", MAX_FORM_FIELD + 1),
        kind=convert.KINDS.get(kind, group_pb.GROUP_KIND_TEAM),
        is_default=form.get("is_default") == "yes",
        locked=form.get("locked") == "yes",
    )
    try:
        await call(
            request,
            services(request).groups.CreateGroup,
            group_pb.CreateGroupRequest(
                organization_id=person.caller.organization_id,
                group=group,
                idempotency_key=form_field(form, "idempotency_key", 64),
            ),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_groups(request, person, refusal.status, error=refusal.message)
    return see_other(f"{GROUPS_PAGE}?notice=created")


async def group_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render_group(request, person, notice=notice_of(request, NOTICES))


async def render_group(request: Request, person: SignedIn, status: int = 200, **values: object) -> Response:
    groups, caller = services(request).groups, person.caller
    group_id = request.path_params["group_id"][:64]
    try:
        group = (
            await call(
                request,
                groups.GetGroup,
                group_pb.GetGroupRequest(organization_id=caller.organization_id, group_id=group_id),
                caller,
            )
        ).group
        members = await call(
            request,
            groups.ListGroupMembers,
            group_pb.ListGroupMembersRequest(organization_id=caller.organization_id, group_id=group_id, page_size=200),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
            return portal_page(request, person, "not_found.html", "groups", 404)
        if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
            return portal_page(request, person, "forbidden.html", "groups", 403)
        raise
    return portal_page(
        request,
        person,
        "group.html",
        "groups",
        status,
        group=convert.group(group),
        members=[convert.group_member(member) for member in members.members],
        can_manage=p.GROUPS_MANAGE in caller.principal.permissions,
        **values,
    )


async def change_group(request: Request) -> Response:
    """Add a member (by email) to the group, remove one, or delete the group."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render_group(request, person, 403, error="This request did not come from this site.")
    groups, caller, change = services(request).groups, person.caller, request.path_params["change"]
    organization_id, group_id = caller.organization_id, request.path_params["group_id"][:64]
    here = f"{GROUPS_PAGE}/{group_id}"
    try:
        if change == "add":
            found = await call(
                request,
                services(request).membership.ListMembers,
                membership_pb.ListMembersRequest(
                    organization_id=organization_id,
                    filter=equality_filter({"email": form_field(form, "email", MAX_FORM_FIELD + 1)}),
                    page_size=1,
                ),
                caller,
            )
            if not found.members:
                return await render_group(request, person, 422, error="No member has this email address.")
            reply = await call(
                request,
                groups.AddGroupMembers,
                group_pb.AddGroupMembersRequest(
                    organization_id=organization_id,
                    group_id=group_id,
                    member_ids=[found.members[0].id],
                    as_admins=form.get("as_admin") == "yes",
                ),
                caller,
            )
            refused = [result.error_message for result in reply.results if result.error_reason]
            if refused:
                return await render_group(request, person, 422, error=refused[0])
            return see_other(f"{here}?notice=added")
        if change == "remove":
            await call(
                request,
                groups.RemoveGroupMembers,
                group_pb.RemoveGroupMembersRequest(
                    organization_id=organization_id, group_id=group_id, member_ids=[form_field(form, "member_id", 64)]
                ),
                caller,
            )
            return see_other(f"{here}?notice=removed")
        if change == "delete":
            await call(
                request,
                groups.DeleteGroup,
                group_pb.DeleteGroupRequest(organization_id=organization_id, group_id=group_id),
                caller,
            )
            return see_other(f"{GROUPS_PAGE}?notice=deleted")
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_group(request, person, refusal.status, error=refusal.message)
    return portal_page(request, person, "not_found.html", "groups", 404)
