"""Security · the organization: its security policy (sessions, passwords, MFA, privacy mode, invitation
domains) and its API keys. Identity asks for a recent sign-in before these changes; the page then asks for the
password (and code) in place and applies the change with the renewed session."""

from __future__ import annotations

import secrets
from typing import Any

import grpc
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.portal.shared import (
    MAX_FORM_FIELD,
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
from services.common import permissions as p

ORGANIZATION_SECURITY_PAGE = "/portal/security/organization"
NOTICES = {"policy-saved": "The security policy was saved.", "key-revoked": "The API key was revoked."}
POLICY_NUMBERS = (
    "session_idle_timeout_seconds",
    "session_absolute_lifetime_seconds",
    "password_min_length",
    "admin_password_min_length",
    "password_required_classes",
)
# Every field the form holds, so each is set to what the form shows.
POLICY_FIELDS = [*POLICY_NUMBERS, "mfa_required", "privacy_mode", "allowed_invitation_domains"]
MAX_TOTP_CODE = 12
MAX_DOMAINS = 100


async def organization_security_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render(request, person, notice=notice_of(request, NOTICES))


async def render(request: Request, person: SignedIn, status: int = 200, **values: Any) -> Response:
    identity, caller = services(request).identity, person.caller
    if p.SECURITY_MANAGE not in caller.principal.permissions:
        return portal_page(request, person, "forbidden.html", "security", 403)
    asked = identity_pb.GetSecurityPolicyRequest(organization_id=caller.organization_id)
    policy = (await call(request, identity.GetSecurityPolicy, asked, caller)).policy
    keys: list[dict[str, Any]] = []
    if p.API_KEYS_MANAGE in caller.principal.permissions:
        listed = await call(request, identity.ListApiKeys, identity_pb.ListApiKeysRequest(), caller)
        keys = [convert.api_key(key) for key in listed.api_keys]
    return portal_page(
        request,
        person,
        "security_organization.html",
        "security",
        status,
        policy=convert.security_policy(policy),
        api_keys=keys,
        can_manage_keys=p.API_KEYS_MANAGE in caller.principal.permissions,
        grantable=sorted(set(caller.principal.permissions) & p.CATALOGUE),
        idempotency_key=secrets.token_urlsafe(16),
        **values,
    )


def policy_of(form: FormData, organization_id: str) -> identity_pb.SecurityPolicy | str:
    """The posted policy, or what is wrong with it (numbers only; identity checks every range)."""
    numbers: dict[str, int] = {}
    for name in POLICY_NUMBERS:
        raw = form_field(form, name, 12)
        if not raw.isdigit():
            return f"{name} must be a whole number."
        numbers[name] = int(raw)
    domains = [d.strip() for d in form_field(form, "allowed_invitation_domains", 20_000).split(",") if d.strip()]
    return identity_pb.SecurityPolicy(
        organization_id=organization_id,
        mfa_required=form_field(form, "mfa_required", 20),
        privacy_mode=form.get("privacy_mode") == "yes",
        allowed_invitation_domains=domains[: MAX_DOMAINS + 1],
        etag=form_field(form, "etag", 200),
        **numbers,
    )


async def save_policy(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request, max_fields=20)
    if form is None:
        return await render(request, person, 403, error="This request did not come from this site.")
    policy = policy_of(form, person.caller.organization_id)
    if isinstance(policy, str):
        return await render(request, person, 422, error=policy)
    try:
        if form.get("confirm_identity"):
            await confirm_identity(
                request, person, form_field(form, "password"), form_field(form, "totp_code", MAX_TOTP_CODE)
            )
        await call(
            request,
            services(request).identity.UpdateSecurityPolicy,
            identity_pb.UpdateSecurityPolicyRequest(policy=policy, update_mask=FieldMask(paths=POLICY_FIELDS)),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        if refusal.reason == "REAUTHENTICATION_REQUIRED" or refusal.reason in (
            "INVALID_CREDENTIALS",
            "INVALID_SECOND_FACTOR",
        ):
            # Ask for the password in place, keeping what was typed.
            return await render(request, person, 403, reauthenticate=True, pending=dict(form), error=refusal.message)
        return await render(
            request, person, refusal.status, error=refusal.message, errors_by_field=refusal.field_errors
        )
    return person.with_cookie(
        see_other(f"{ORGANIZATION_SECURITY_PAGE}?notice=policy-saved#policy"), settings_of(request)
    )


async def create_api_key(request: Request) -> Response:
    """A new API key; its secret is shown once, on this answer only (pages are never cached)."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request, max_fields=len(p.CATALOGUE) + 10)
    if form is None:
        return await render(request, person, 403, error="This request did not come from this site.")
    days = form_field(form, "expire_days", 5)
    expiry = None
    if days.isdigit() and int(days) > 0:
        expiry = Timestamp()
        expiry.GetCurrentTime()
        expiry.seconds += int(days) * 86400
    try:
        if form.get("confirm_identity"):
            await confirm_identity(
                request, person, form_field(form, "password"), form_field(form, "totp_code", MAX_TOTP_CODE)
            )
        created = await call(
            request,
            services(request).identity.CreateApiKey,
            identity_pb.CreateApiKeyRequest(
                name=form_field(form, "name", MAX_FORM_FIELD + 1),
                permissions=[str(value)[:64] for value in form.getlist("permissions")][: len(p.CATALOGUE)],
                expire_time=expiry,
                idempotency_key=form_field(form, "idempotency_key", 64),
            ),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        if refusal.reason in ("REAUTHENTICATION_REQUIRED", "INVALID_CREDENTIALS", "INVALID_SECOND_FACTOR"):
            return await render(
                request,
                person,
                403,
                reauthenticate_key=True,
                pending=dict(form),
                pending_permissions=[str(value) for value in form.getlist("permissions")],
                error=refusal.message,
            )
        return await render(request, person, refusal.status, error=refusal.message)
    return await render(request, person, new_key=convert.api_key(created.api_key), new_secret=created.secret)


async def revoke_api_key(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render(request, person, 403, error="This request did not come from this site.")
    try:
        await call(
            request,
            services(request).identity.RevokeApiKey,
            identity_pb.RevokeApiKeyRequest(api_key_id=form_field(form, "api_key_id", 64)),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render(request, person, refusal.status, error=refusal.message)
    return see_other(f"{ORGANIZATION_SECURITY_PAGE}?notice=key-revoked#api-keys")
