"""SsoService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.identity.v1 import sso_service_pb2 as pb
from tenantry.identity.v1 import sso_service_pb2_grpc as pb_grpc

from services.common.errors import FailedPrecondition, FieldViolation, InvalidArgument
from services.common.principal import current_call
from services.identity.api.servicer import anonymous, session_to_proto
from services.identity.convert_sso import (
    MASK_PATHS,
    PROTOCOL_FROM_PROTO,
    PROTOCOL_TO_PROTO,
    connection_fields,
    connection_to_proto,
    domain_to_proto,
    policy_to_proto,
)
from services.identity.domain.sso.connections import EDITABLE_FIELDS
from services.identity.domain.sso.model import SsoConnection
from services.identity.domain.sso.use_cases import SsoUseCases


def connection_changes(request: pb.UpdateConnectionRequest) -> dict[str, object]:
    values = connection_fields(request.connection)
    changes: dict[str, object] = {}
    unknown: list[str] = []
    for path in request.update_mask.paths:
        name = MASK_PATHS.get(path, path)
        if name not in EDITABLE_FIELDS:
            unknown.append(path)
            continue
        changes[name] = values[name]
    if unknown:
        raise InvalidArgument(
            "The update mask names fields that cannot be changed.",
            [FieldViolation("update_mask", f"unknown field {p!r}") for p in unknown],
        )
    return changes


class SsoServicer(pb_grpc.SsoServiceServicer):
    def __init__(self, use_cases: SsoUseCases):
        self._sso = use_cases
        self._public_url = use_cases.public_url

    def _reply(self, connection: SsoConnection) -> pb.SsoConnection:
        return connection_to_proto(connection, self._public_url)

    async def CreateConnection(
        self, request: pb.CreateConnectionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateConnectionResponse:
        call = current_call()
        message = request.connection
        fields = connection_fields(message)
        draft = SsoConnection(
            id="",
            organization_id="",
            protocol=PROTOCOL_FROM_PROTO.get(message.protocol, ""),
            preset=message.preset,
            **{k: v for k, v in fields.items() if k != "enabled"},  # type: ignore[arg-type]
        )
        connection = await self._sso.connections.create(
            call.require_principal(), draft, request.idempotency_key or call.idempotency_key
        )
        return pb.CreateConnectionResponse(connection=self._reply(connection))

    async def GetConnection(
        self, request: pb.GetConnectionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetConnectionResponse:
        connection = await self._sso.connections.get(current_call().require_principal(), request.connection_id)
        return pb.GetConnectionResponse(connection=self._reply(connection))

    async def ListConnections(
        self, request: pb.ListConnectionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListConnectionsResponse:
        connections = await self._sso.connections.list(current_call().require_principal())
        return pb.ListConnectionsResponse(connections=[self._reply(c) for c in connections])

    async def UpdateConnection(
        self, request: pb.UpdateConnectionRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateConnectionResponse:
        connection = await self._sso.connections.update(
            current_call().require_principal(),
            request.connection.id,
            connection_changes(request),
            request.connection.version,
        )
        return pb.UpdateConnectionResponse(connection=self._reply(connection))

    async def DeleteConnection(
        self, request: pb.DeleteConnectionRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteConnectionResponse:
        await self._sso.connections.delete(current_call().require_principal(), request.connection_id)
        return pb.DeleteConnectionResponse()

    async def AddIdpCertificate(
        self, request: pb.AddIdpCertificateRequest, context: grpc.aio.ServicerContext
    ) -> pb.AddIdpCertificateResponse:
        connection = await self._sso.connections.add_certificate(
            current_call().require_principal(), request.connection_id, request.certificate_pem
        )
        return pb.AddIdpCertificateResponse(connection=self._reply(connection))

    async def RemoveIdpCertificate(
        self, request: pb.RemoveIdpCertificateRequest, context: grpc.aio.ServicerContext
    ) -> pb.RemoveIdpCertificateResponse:
        connection = await self._sso.connections.remove_certificate(
            current_call().require_principal(), request.connection_id, request.certificate_id
        )
        return pb.RemoveIdpCertificateResponse(connection=self._reply(connection))

    async def ImportIdpMetadata(
        self, request: pb.ImportIdpMetadataRequest, context: grpc.aio.ServicerContext
    ) -> pb.ImportIdpMetadataResponse:
        connection = await self._sso.connections.import_metadata(
            current_call().require_principal(),
            request.connection_id,
            metadata_xml=request.metadata_xml,
            metadata_url=request.metadata_url,
        )
        return pb.ImportIdpMetadataResponse(connection=self._reply(connection))

    async def GetSpMetadata(
        self, request: pb.GetSpMetadataRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSpMetadataResponse:
        return pb.GetSpMetadataResponse(metadata_xml=await self._sso.connections.sp_metadata(request.connection_id))

    async def RotateSpKey(
        self, request: pb.RotateSpKeyRequest, context: grpc.aio.ServicerContext
    ) -> pb.RotateSpKeyResponse:
        key = await self._sso.sp_keys.rotate(current_call().require_principal(), request.connection_id)
        return pb.RotateSpKeyResponse(certificate_pem=key.certificate_pem, key_id=key.id)

    async def RetireSpKey(
        self, request: pb.RetireSpKeyRequest, context: grpc.aio.ServicerContext
    ) -> pb.RetireSpKeyResponse:
        connection = await self._sso.sp_keys.retire(
            current_call().require_principal(), request.connection_id, request.key_id
        )
        return pb.RetireSpKeyResponse(connection=self._reply(connection))

    async def AddDomain(self, request: pb.AddDomainRequest, context: grpc.aio.ServicerContext) -> pb.AddDomainResponse:
        domain = await self._sso.domains.add(current_call().require_principal(), request.domain)
        return pb.AddDomainResponse(domain=domain_to_proto(domain))

    async def ListDomains(
        self, request: pb.ListDomainsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListDomainsResponse:
        domains = await self._sso.domains.list(current_call().require_principal())
        return pb.ListDomainsResponse(domains=[domain_to_proto(d) for d in domains])

    async def VerifyDomain(
        self, request: pb.VerifyDomainRequest, context: grpc.aio.ServicerContext
    ) -> pb.VerifyDomainResponse:
        domain = await self._sso.domains.verify(current_call().require_principal(), request.domain)
        return pb.VerifyDomainResponse(domain=domain_to_proto(domain))

    async def RemoveDomain(
        self, request: pb.RemoveDomainRequest, context: grpc.aio.ServicerContext
    ) -> pb.RemoveDomainResponse:
        await self._sso.domains.remove(current_call().require_principal(), request.domain)
        return pb.RemoveDomainResponse()

    async def GetSsoPolicy(
        self, request: pb.GetSsoPolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSsoPolicyResponse:
        policy = await self._sso.policy.get(current_call().require_principal())
        return pb.GetSsoPolicyResponse(policy=policy_to_proto(policy))

    async def UpdateSsoPolicy(
        self, request: pb.UpdateSsoPolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateSsoPolicyResponse:
        policy, ended = await self._sso.policy.update(
            current_call().require_principal(),
            request.policy.sso_required,
            list(request.policy.break_glass_account_ids),
            request.policy.version,
        )
        return pb.UpdateSsoPolicyResponse(policy=policy_to_proto(policy), ended_sessions=ended)

    async def DiscoverRealm(
        self, request: pb.DiscoverRealmRequest, context: grpc.aio.ServicerContext
    ) -> pb.DiscoverRealmResponse:
        realm = await self._sso.realm.discover(request.email[:320])
        return pb.DiscoverRealmResponse(
            connection_id=realm.connection_id,
            organization_id=realm.organization_id,
            protocol=PROTOCOL_TO_PROTO.get(realm.protocol, pb.SSO_PROTOCOL_UNSPECIFIED),
        )

    async def BeginSignIn(
        self, request: pb.BeginSignInRequest, context: grpc.aio.ServicerContext
    ) -> pb.BeginSignInResponse:
        started = await self._begin_oidc(request)
        redirect_url, request_id = started or await self._sso.saml.begin(
            request.connection_id, request.browser_binding, request.return_to
        )
        return pb.BeginSignInResponse(redirect_url=redirect_url, request_id=request_id)

    async def _begin_oidc(self, request: pb.BeginSignInRequest) -> tuple[str, str] | None:
        if self._sso.oidc is None:
            return None
        return await self._sso.oidc.begin(request.connection_id, request.browser_binding, request.return_to)

    async def CompleteOidcSignIn(
        self, request: pb.CompleteOidcSignInRequest, context: grpc.aio.ServicerContext
    ) -> pb.CompleteOidcSignInResponse:
        if self._sso.oidc is None:
            raise FailedPrecondition("OIDC sign-in is not available on this service.")
        signed_in = await self._sso.oidc.complete(
            dict(request.callback_parameters),
            request.browser_binding,
            anonymous("", request.ip_address, request.user_agent),
            request.ip_address,
            request.user_agent,
        )
        result = signed_in.result
        return pb.CompleteOidcSignInResponse(
            session_token=result.token,
            session=session_to_proto(result.session),
            return_to=signed_in.return_to,
            member_created=result.member_created,
        )

    async def CompleteSamlSignIn(
        self, request: pb.CompleteSamlSignInRequest, context: grpc.aio.ServicerContext
    ) -> pb.CompleteSamlSignInResponse:
        signed_in = await self._sso.saml.complete(
            request.connection_id,
            request.saml_response,
            request.browser_binding,
            anonymous("", request.ip_address, request.user_agent),
            request.ip_address,
            request.user_agent,
        )
        result = signed_in.result
        return pb.CompleteSamlSignInResponse(
            session_token=result.token,
            session=session_to_proto(result.session),
            return_to=signed_in.return_to,
            member_created=result.member_created,
        )
