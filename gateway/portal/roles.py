"""Roles: built-in and custom roles as a permission matrix; custom roles created and edited within what the
author holds (membership refuses the rest); which roles use a seat."""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

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
from services.common import permissions as p

ROLES_PAGE = "/portal/roles"
NOTICES = {"saved": "The role was saved.", "deleted": "The role was deleted."}
# The matrix's rows, in the order an administrator reads them, with what each permission lets one do.
PERMISSION_LABELS: dict[str, str] = {
    p.SEAT_USE: "Use the product (uses a seat)",
    p.MEMBERS_READ: "See members and groups",
    p.MEMBERS_INVITE: "Invite members",
    p.MEMBERS_REMOVE: "Deactivate and remove members",
    p.MEMBERS_MANAGE_ROLES: "Change roles",
    p.GROUPS_MANAGE: "Manage groups",
    p.GROUPS_CREATE: "Create groups",
    p.SECURITY_MANAGE: "Manage security settings",
    p.API_KEYS_MANAGE: "Manage API keys",
    p.BILLING_READ: "See billing",
    p.BILLING_MANAGE: "Manage billing",
    p.SUBSCRIPTION_CANCEL: "Cancel the subscription",
    p.ORG_MANAGE: "Change the organization's profile",
    p.ORG_DELETE: "Delete the organization",
    p.AUDIT_READ: "Read the audit log",
    p.ANALYTICS_READ: "Read analytics",
    p.ANALYTICS_REPORT: "Report product usage",
}


async def roles_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render_roles(request, person, notice=notice_of(request, NOTICES))


async def render_roles(request: Request, person: SignedIn, status: int = 200, **values: object) -> Response:
    try:
        reply = await call(
            request,
            services(request).membership.ListRoles,
            membership_pb.ListRolesRequest(organization_id=person.caller.organization_id),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
            return portal_page(request, person, "forbidden.html", "roles", 403)
        raise
    held = set(person.caller.principal.permissions)
    permissions = [key for key in PERMISSION_LABELS if key in p.CATALOGUE]
    return portal_page(
        request,
        person,
        "roles.html",
        "roles",
        status,
        built_in=[{"key": r.key, "name": r.name, "permissions": set(r.permissions)} for r in reply.built_in_roles],
        custom=[{"key": r.key, "name": r.name, "permissions": set(r.permissions)} for r in reply.roles],
        permissions=permissions,
        labels=PERMISSION_LABELS,
        grantable=held,
        can_manage=p.MEMBERS_MANAGE_ROLES in held,
        **values,
    )


async def save_role(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request, max_fields=len(PERMISSION_LABELS) + 5)
    if form is None:
        return await render_roles(request, person, 403, error="This request did not come from this site.")
    role = membership_pb.Role(
        key=form_field(form, "key", MAX_FORM_FIELD + 1),
        name=form_field(form, "name", MAX_FORM_FIELD + 1),
        permissions=[str(value)[:64] for value in form.getlist("permissions")][: len(PERMISSION_LABELS)],
    )
    try:
        await call(
            request,
            services(request).membership.SaveRole,
            membership_pb.SaveRoleRequest(organization_id=person.caller.organization_id, role=role),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_roles(request, person, refusal.status, error=refusal.message, draft=role)
    return see_other(f"{ROLES_PAGE}?notice=saved")


async def delete_role(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render_roles(request, person, 403, error="This request did not come from this site.")
    try:
        await call(
            request,
            services(request).membership.DeleteRole,
            membership_pb.DeleteRoleRequest(
                organization_id=person.caller.organization_id, key=form_field(form, "key", MAX_FORM_FIELD + 1)
            ),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_roles(request, person, refusal.status, error=refusal.message)
    return see_other(f"{ROLES_PAGE}?notice=deleted")
