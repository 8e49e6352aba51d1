"""Single sign-on: the organization's identity provider connections (SAML by metadata, OIDC by issuer and
client), its claimed domains with the TXT record to publish, and the "SSO required" switch. Identity checks every
value, the permission (security.manage) and the recent sign-in; the page shows its refusal."""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf.field_mask_pb2 import FieldMask
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import sso_service_pb2 as sso_pb

from gateway import convert_sso
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
from services.common import permissions as p

SSO_PAGE = "/portal/sso"
NOTICES = {
    "connection-created": "The connection was created. Give your identity provider our details, then enable it.",
    "connection-switched": "The connection was switched.",
    "domain-added": "Publish the TXT record below, then verify the domain.",
    "domain-checked": "The TXT record was looked up.",
    "policy-saved": "The single sign-on policy was saved.",
    "identity-confirmed": "Thank you. Make your change again.",
}
# Refusals that ask for a fresh sign-in (identity's privileged window), or a wrong password while giving it.
REAUTHENTICATE = frozenset({"REAUTHENTICATION_REQUIRED", "INVALID_CREDENTIALS", "INVALID_SECOND_FACTOR"})
MAX_TOTP_CODE = 12
MAX_METADATA_XML = 200_000
MAX_ID = 64


async def sso_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render(request, person, notice=notice_of(request, NOTICES))


async def render(request: Request, person: SignedIn, status: int = 200, **values: Any) -> Response:
    sso, caller = services(request).sso, person.caller
    if p.SECURITY_MANAGE not in caller.principal.permissions:
        return portal_page(request, person, "forbidden.html", "sso", 403)
    connections = (await call(request, sso.ListConnections, sso_pb.ListConnectionsRequest(), caller)).connections
    domains = (await call(request, sso.ListDomains, sso_pb.ListDomainsRequest(), caller)).domains
    policy = (await call(request, sso.GetSsoPolicy, sso_pb.GetSsoPolicyRequest(), caller)).policy
    return portal_page(
        request,
        person,
        "sso.html",
        "sso",
        status,
        connections=[convert_sso.connection(c) for c in connections],
        domains=[convert_sso.domain(d) for d in domains],
        policy=convert_sso.policy(policy),
        policy_version=policy.version,
        **values,
    )


async def _change(request: Request, notice: str, rpc_of: Any) -> Response:
    """Read the form, make the one call `rpc_of(form, person)` names, and come back with a notice or the refusal."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render(request, person, 403, error="This request did not come from this site.")
    rpc, message = rpc_of(request, form, person)
    try:
        await call(request, rpc, message, person.caller, timeout_factor=3)
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    return see_other(f"{SSO_PAGE}?notice={notice}")


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


async def confirm(request: Request) -> Response:
    """A fresh sign-in of this session (password and code), after which the change is made again."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render(request, person, 403, error="This request did not come from this site.")
    try:
        await confirm_identity(
            request, person, form_field(form, "password"), form_field(form, "totp_code", MAX_TOTP_CODE)
        )
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    return person.with_cookie(see_other(f"{SSO_PAGE}?notice=identity-confirmed"), settings_of(request))


def _new_connection(request: Request, form: FormData, person: SignedIn) -> tuple[Any, Any]:
    name = form_field(form, "name", 101)
    if form.get("protocol") == "oidc":
        oidc = sso_pb.OidcSettings(
            issuer=form_field(form, "issuer", 2049),
            client_id=form_field(form, "client_id", 257),
            client_secret=form_field(form, "client_secret", 513),
        )
        connection = sso_pb.SsoConnection(name=name, protocol=sso_pb.SSO_PROTOCOL_OIDC, oidc=oidc)
    else:
        connection = sso_pb.SsoConnection(name=name, protocol=sso_pb.SSO_PROTOCOL_SAML, jit_provisioning=True)
    return services(request).sso.CreateConnection, sso_pb.CreateConnectionRequest(connection=connection)


async def create_connection(request: Request) -> Response:
    """A SAML connection takes its IdP metadata (URL or XML) right after it is created; OIDC needs nothing more."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render(request, person, 403, error="This request did not come from this site.")
    sso = services(request).sso
    rpc, message = _new_connection(request, form, person)
    url, xml = form_field(form, "metadata_url", 2049), form_field(form, "metadata_xml", MAX_METADATA_XML)
    try:
        created = (await call(request, rpc, message, person.caller)).connection
        if created.protocol == sso_pb.SSO_PROTOCOL_SAML and (url or xml):
            imported = sso_pb.ImportIdpMetadataRequest(connection_id=created.id)
            if url:
                imported.metadata_url = url
            else:
                imported.metadata_xml = xml
            try:
                await call(request, sso.ImportIdpMetadata, imported, person.caller, timeout_factor=3)
            except grpc.aio.AioRpcError:
                # Refused metadata leaves no connection behind.
                undo = sso_pb.DeleteConnectionRequest(connection_id=created.id)
                await call(request, sso.DeleteConnection, undo, person.caller)
                raise
    except grpc.aio.AioRpcError as exc:
        return await refused(request, person, exc)
    return see_other(f"{SSO_PAGE}?notice=connection-created")


def _switch(request: Request, form: FormData, person: SignedIn) -> tuple[Any, Any]:
    connection = sso_pb.SsoConnection(
        id=form_field(form, "connection_id", MAX_ID), enabled=form.get("enabled") == "yes"
    )
    update = sso_pb.UpdateConnectionRequest(connection=connection, update_mask=FieldMask(paths=["enabled"]))
    return services(request).sso.UpdateConnection, update


def _add_domain(request: Request, form: FormData, person: SignedIn) -> tuple[Any, Any]:
    return services(request).sso.AddDomain, sso_pb.AddDomainRequest(domain=form_field(form, "domain", 254))


def _verify_domain(request: Request, form: FormData, person: SignedIn) -> tuple[Any, Any]:
    return services(request).sso.VerifyDomain, sso_pb.VerifyDomainRequest(domain=form_field(form, "domain", 254))


def _policy(request: Request, form: FormData, person: SignedIn) -> tuple[Any, Any]:
    """Requiring SSO keeps the Owner who switches it on able to sign in with a password (break-glass)."""
    required = form.get("sso_required") == "yes"
    version = form_field(form, "version", 20)
    policy = sso_pb.SsoPolicy(
        sso_required=required,
        break_glass_account_ids=[person.caller.principal.account_id] if required else [],
        version=int(version) if version.isdigit() else -1,
    )
    return services(request).sso.UpdateSsoPolicy, sso_pb.UpdateSsoPolicyRequest(policy=policy)


async def switch_connection(request: Request) -> Response:
    return await _change(request, "connection-switched", _switch)


async def add_domain(request: Request) -> Response:
    return await _change(request, "domain-added", _add_domain)


async def verify_domain(request: Request) -> Response:
    return await _change(request, "domain-checked", _verify_domain)


async def save_policy(request: Request) -> Response:
    return await _change(request, "policy-saved", _policy)
