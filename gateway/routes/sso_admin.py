"""REST routes of SSO administration (identity's SsoService): connections with their IdP certificates and
metadata, claimed domains with the TXT record to publish, and the SSO policy. Every route needs
security.manage; changes also need a recent sign-in (the privileged window), as the service checks."""

from __future__ import annotations

import grpc
from starlette.responses import Response
from tenantry.identity.v1 import sso_service_pb2 as sso_pb

from gateway import convert_sso
from gateway.etags import http_etag
from gateway.models.sso import (
    MetadataImport,
    NewDomain,
    NewIdpCertificate,
    NewSsoConnection,
    SpKey,
    SsoConnectionChanges,
    SsoConnectionList,
    SsoConnectionReply,
    SsoDomainList,
    SsoDomainReply,
    SsoPolicyChanges,
    SsoPolicyReply,
)
from gateway.routing import ApiRoute, BadRequest, Context, IfMatch

CONNECTION = "/v1/sso/connections/{connection_id}"
NO_CHANGE = [{"field": "body", "description": "no change"}]


def connection_reply(context: Context, connection: sso_pb.SsoConnection) -> SsoConnectionReply:
    context.response_headers["ETag"] = http_etag(convert_sso.version_etag(connection.version))
    return SsoConnectionReply.model_validate({"connection": convert_sso.connection(connection)})


def policy_reply(context: Context, policy: sso_pb.SsoPolicy, ended_sessions: int = 0) -> SsoPolicyReply:
    context.response_headers["ETag"] = http_etag(convert_sso.version_etag(policy.version))
    return SsoPolicyReply.model_validate({"policy": convert_sso.policy(policy), "ended_sessions": ended_sessions})


async def list_connections(context: Context) -> SsoConnectionList:
    reply = await context.call(context.clients.sso.ListConnections, sso_pb.ListConnectionsRequest())
    return SsoConnectionList.model_validate({"connections": [convert_sso.connection(c) for c in reply.connections]})


async def create_connection(context: Context) -> SsoConnectionReply:
    body = context.body_as(NewSsoConnection)
    created = await context.call(
        context.clients.sso.CreateConnection,
        sso_pb.CreateConnectionRequest(
            connection=convert_sso.new_connection(body), idempotency_key=context.idempotency_key
        ),
    )
    connection = created.connection
    if body.saml is not None and (body.saml.metadata_url or body.saml.metadata_xml):
        connection = await _import_or_undo(context, connection.id, body.saml.metadata_url, body.saml.metadata_xml)
    return connection_reply(context, connection)


async def _import_or_undo(context: Context, connection_id: str, url: str, xml: str) -> sso_pb.SsoConnection:
    """Metadata the service refuses leaves no connection behind: the one just created is deleted again."""
    request = sso_pb.ImportIdpMetadataRequest(connection_id=connection_id)
    if url:
        request.metadata_url = url
    else:
        request.metadata_xml = xml
    try:
        reply = await context.call(context.clients.sso.ImportIdpMetadata, request, timeout_factor=3)
    except grpc.aio.AioRpcError:
        await context.call(
            context.clients.sso.DeleteConnection, sso_pb.DeleteConnectionRequest(connection_id=connection_id)
        )
        raise
    return reply.connection


async def get_connection(context: Context) -> SsoConnectionReply:
    reply = await context.call(
        context.clients.sso.GetConnection, sso_pb.GetConnectionRequest(connection_id=context.path("connection_id"))
    )
    return connection_reply(context, reply.connection)


async def update_connection(context: Context) -> SsoConnectionReply:
    message, paths = convert_sso.connection_changes(
        context.path("connection_id"), context.body_as(SsoConnectionChanges)
    )
    if not paths:
        raise BadRequest("Send one or more fields to change.", NO_CHANGE, status=422)
    # The service reads version 0 as "no check"; connection versions start at 1, so a tag of 0 matches none.
    expected = convert_sso.expected_version(context.if_match)
    message.version = 0 if expected is None else (expected or -1)
    request = sso_pb.UpdateConnectionRequest(connection=message, idempotency_key=context.idempotency_key)
    request.update_mask.paths.extend(paths)
    reply = await context.call(context.clients.sso.UpdateConnection, request)
    return connection_reply(context, reply.connection)


async def delete_connection(context: Context) -> None:
    await context.call(
        context.clients.sso.DeleteConnection,
        sso_pb.DeleteConnectionRequest(
            connection_id=context.path("connection_id"), idempotency_key=context.idempotency_key
        ),
    )


async def import_metadata(context: Context) -> SsoConnectionReply:
    body = context.body_as(MetadataImport)
    request = sso_pb.ImportIdpMetadataRequest(
        connection_id=context.path("connection_id"), idempotency_key=context.idempotency_key
    )
    if body.metadata_url:
        request.metadata_url = body.metadata_url
    else:
        request.metadata_xml = body.metadata_xml
    reply = await context.call(context.clients.sso.ImportIdpMetadata, request, timeout_factor=3)
    return connection_reply(context, reply.connection)


async def sp_metadata(context: Context) -> Response:
    connection_id = context.path("connection_id")
    # The metadata itself is public; reading it here first proves the connection is the caller's.
    await context.call(context.clients.sso.GetConnection, sso_pb.GetConnectionRequest(connection_id=connection_id))
    reply = await context.call(
        context.clients.sso.GetSpMetadata, sso_pb.GetSpMetadataRequest(connection_id=connection_id)
    )
    return Response(
        reply.metadata_xml,
        media_type="application/samlmetadata+xml",
        headers={"Content-Disposition": f'attachment; filename="sp-metadata-{connection_id}.xml"'},
    )


async def rotate_sp_key(context: Context) -> SpKey:
    reply = await context.call(
        context.clients.sso.RotateSpKey,
        sso_pb.RotateSpKeyRequest(connection_id=context.path("connection_id"), idempotency_key=context.idempotency_key),
    )
    return SpKey(certificate_pem=reply.certificate_pem, key_id=reply.key_id)


async def retire_sp_key(context: Context) -> SsoConnectionReply:
    reply = await context.call(
        context.clients.sso.RetireSpKey,
        sso_pb.RetireSpKeyRequest(connection_id=context.path("connection_id"), key_id=context.path("key_id")),
    )
    return connection_reply(context, reply.connection)


async def add_certificate(context: Context) -> SsoConnectionReply:
    reply = await context.call(
        context.clients.sso.AddIdpCertificate,
        sso_pb.AddIdpCertificateRequest(
            connection_id=context.path("connection_id"),
            certificate_pem=context.body_as(NewIdpCertificate).certificate_pem,
            idempotency_key=context.idempotency_key,
        ),
    )
    return connection_reply(context, reply.connection)


async def remove_certificate(context: Context) -> SsoConnectionReply:
    reply = await context.call(
        context.clients.sso.RemoveIdpCertificate,
        sso_pb.RemoveIdpCertificateRequest(
            connection_id=context.path("connection_id"),
            certificate_id=context.path("certificate_id"),
            idempotency_key=context.idempotency_key,
        ),
    )
    return connection_reply(context, reply.connection)


async def list_domains(context: Context) -> SsoDomainList:
    reply = await context.call(context.clients.sso.ListDomains, sso_pb.ListDomainsRequest())
    return SsoDomainList.model_validate({"domains": [convert_sso.domain(d) for d in reply.domains]})


async def add_domain(context: Context) -> SsoDomainReply:
    reply = await context.call(
        context.clients.sso.AddDomain,
        sso_pb.AddDomainRequest(domain=context.body_as(NewDomain).domain, idempotency_key=context.idempotency_key),
    )
    return SsoDomainReply.model_validate({"domain": convert_sso.domain(reply.domain)})


async def get_domain(context: Context) -> SsoDomainReply:
    wanted = context.path("domain").lower()
    reply = await context.call(context.clients.sso.ListDomains, sso_pb.ListDomainsRequest())
    for domain in reply.domains:
        if domain.domain == wanted:
            return SsoDomainReply.model_validate({"domain": convert_sso.domain(domain)})
    raise BadRequest("The organization has not claimed this domain.", status=404, reason="NOT_FOUND")


async def verify_domain(context: Context) -> SsoDomainReply:
    reply = await context.call(
        context.clients.sso.VerifyDomain,
        sso_pb.VerifyDomainRequest(domain=context.path("domain"), idempotency_key=context.idempotency_key),
        timeout_factor=3,
    )
    return SsoDomainReply.model_validate({"domain": convert_sso.domain(reply.domain)})


async def remove_domain(context: Context) -> None:
    await context.call(
        context.clients.sso.RemoveDomain,
        sso_pb.RemoveDomainRequest(domain=context.path("domain"), idempotency_key=context.idempotency_key),
    )


async def get_policy(context: Context) -> SsoPolicyReply:
    reply = await context.call(context.clients.sso.GetSsoPolicy, sso_pb.GetSsoPolicyRequest())
    return policy_reply(context, reply.policy)


async def update_policy(context: Context) -> SsoPolicyReply:
    changes = context.body_as(SsoPolicyChanges)
    if changes.sso_required is None and changes.break_glass_account_ids is None:
        raise BadRequest("Send one or more fields to change.", NO_CHANGE, status=422)
    current = (await context.call(context.clients.sso.GetSsoPolicy, sso_pb.GetSsoPolicyRequest())).policy
    expected = convert_sso.expected_version(context.if_match)
    policy = sso_pb.SsoPolicy(
        sso_required=current.sso_required if changes.sso_required is None else changes.sso_required,
        break_glass_account_ids=current.break_glass_account_ids
        if changes.break_glass_account_ids is None
        else changes.break_glass_account_ids,
        # Without If-Match (or with *) the change applies to the version just read.
        version=current.version if expected is None else expected,
    )
    reply = await context.call(
        context.clients.sso.UpdateSsoPolicy,
        sso_pb.UpdateSsoPolicyRequest(policy=policy, idempotency_key=context.idempotency_key),
    )
    return policy_reply(context, reply.policy, reply.ended_sessions)


CHANGE = "security.manage, privileged window"
ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/sso/connections",
        list_connections,
        "The organization's identity provider connections, oldest first (security.manage).",
        response=SsoConnectionList,
    ),
    ApiRoute(
        "POST",
        "/v1/sso/connections",
        create_connection,
        f"Connect a SAML IdP (by metadata URL or XML, or by hand) or an OIDC provider ({CHANGE}); it starts "
        "disabled. Metadata the service refuses leaves no connection.",
        body=NewSsoConnection,
        response=SsoConnectionReply,
        success_status=201,
        returns_etag=True,
    ),
    ApiRoute(
        "GET",
        CONNECTION,
        get_connection,
        "One connection with its trusted IdP certificates (security.manage).",
        response=SsoConnectionReply,
        returns_etag=True,
    ),
    ApiRoute(
        "PATCH",
        CONNECTION,
        update_connection,
        f"Change connection fields ({CHANGE}); enabling needs the plan's sso entitlement, a verified domain and an "
        "IdP to sign in with. If-Match with its etag is honoured.",
        body=SsoConnectionChanges,
        response=SsoConnectionReply,
        if_match=IfMatch.HONOURED,
        returns_etag=True,
    ),
    ApiRoute(
        "DELETE",
        CONNECTION,
        delete_connection,
        f"Delete a connection; people who signed in through it keep their accounts ({CHANGE}).",
        success_status=204,
    ),
    ApiRoute(
        "POST",
        f"{CONNECTION}/metadata",
        import_metadata,
        f"Import SAML IdP metadata from an https URL (refreshed on a schedule) or XML ({CHANGE}).",
        body=MetadataImport,
        response=SsoConnectionReply,
        returns_etag=True,
    ),
    ApiRoute(
        "GET",
        f"{CONNECTION}/sp-metadata",
        sp_metadata,
        "Our SAML service provider metadata for the connection, to give the IdP (security.manage).",
        response_media=("application/samlmetadata+xml",),
    ),
    ApiRoute(
        "POST",
        f"{CONNECTION}/sp-key/rotate",
        rotate_sp_key,
        f"A new SP signing and encryption key; the previous ones stay published and decrypting for the overlap "
        f"({CHANGE}).",
        response=SpKey,
    ),
    ApiRoute(
        "POST",
        f"{CONNECTION}/sp-keys/{{key_id}}/retire",
        retire_sp_key,
        f"Retire an older SP key now: it leaves our metadata and no longer decrypts; not the newest ({CHANGE}).",
        response=SsoConnectionReply,
        returns_etag=True,
    ),
    ApiRoute(
        "POST",
        f"{CONNECTION}/certificates",
        add_certificate,
        f"Trust another IdP signing certificate, PEM; several at once allow a rollover ({CHANGE}).",
        body=NewIdpCertificate,
        response=SsoConnectionReply,
        success_status=201,
        returns_etag=True,
    ),
    ApiRoute(
        "DELETE",
        f"{CONNECTION}/certificates/{{certificate_id}}",
        remove_certificate,
        f"Stop trusting an IdP signing certificate ({CHANGE}).",
        response=SsoConnectionReply,
        returns_etag=True,
    ),
    ApiRoute(
        "GET",
        "/v1/sso/domains",
        list_domains,
        "The organization's claimed email domains with their state and TXT record (security.manage).",
        response=SsoDomainList,
    ),
    ApiRoute(
        "POST",
        "/v1/sso/domains",
        add_domain,
        f"Claim an email domain; publish the TXT record it answers, then verify ({CHANGE}).",
        body=NewDomain,
        response=SsoDomainReply,
        success_status=201,
    ),
    ApiRoute(
        "GET",
        "/v1/sso/domains/{domain}",
        get_domain,
        "One claimed domain with the TXT record to publish (security.manage).",
        response=SsoDomainReply,
    ),
    ApiRoute(
        "POST",
        "/v1/sso/domains/{domain}/verify",
        verify_domain,
        f"Look the TXT record up; the domain is verified when it is there, still pending otherwise ({CHANGE}).",
        response=SsoDomainReply,
    ),
    ApiRoute(
        "DELETE",
        "/v1/sso/domains/{domain}",
        remove_domain,
        f"Release a claimed domain ({CHANGE}).",
        success_status=204,
    ),
    ApiRoute(
        "GET",
        "/v1/sso/policy",
        get_policy,
        'The SSO policy: "SSO required" and its break-glass Owners (security.manage).',
        response=SsoPolicyReply,
        returns_etag=True,
    ),
    ApiRoute(
        "PATCH",
        "/v1/sso/policy",
        update_policy,
        f"Require SSO or allow passwords, and name the break-glass Owners ({CHANGE}); requiring it ends members' "
        "password sessions. If-Match with its etag is honoured.",
        body=SsoPolicyChanges,
        response=SsoPolicyReply,
        if_match=IfMatch.HONOURED,
        returns_etag=True,
    ),
)
