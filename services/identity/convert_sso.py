"""SSO entities as the proto messages the SsoService replies and identity's SSO events carry."""

from __future__ import annotations

from tenantry.identity.v1 import sso_service_pb2 as pb

from services.common.messaging import timestamp
from services.identity.domain.oidc_sign_in import oidc_redirect_uri
from services.identity.domain.sso.connections import acs_url, sp_entity_id
from services.identity.domain.sso.domains import txt_record_name, txt_record_value
from services.identity.domain.sso.model import (
    DOMAIN_VERIFIED,
    OIDC,
    SAML,
    AttributeMapping,
    GroupMapping,
    SsoConnection,
    SsoDomain,
    SsoPolicy,
)

PROTOCOL_TO_PROTO = {SAML: pb.SSO_PROTOCOL_SAML, OIDC: pb.SSO_PROTOCOL_OIDC}
PROTOCOL_FROM_PROTO = {value: key for key, value in PROTOCOL_TO_PROTO.items()}


def connection_to_proto(connection: SsoConnection, public_url: str = "") -> pb.SsoConnection:
    mapping = connection.attribute_mapping
    return pb.SsoConnection(
        id=connection.id,
        organization_id=connection.organization_id,
        name=connection.name,
        protocol=PROTOCOL_TO_PROTO.get(connection.protocol, pb.SSO_PROTOCOL_UNSPECIFIED),
        enabled=connection.enabled,
        idp_initiated_enabled=connection.idp_initiated_enabled,
        jit_provisioning=connection.jit_provisioning,
        default_role=connection.default_role,
        preset=connection.preset,
        attribute_mapping=pb.AttributeMapping(
            email=mapping.email,
            display_name=mapping.display_name,
            groups=mapping.groups,
            profile_fields=dict(mapping.profile_fields),
        ),
        group_mappings=[
            pb.GroupMapping(idp_group=m.idp_group, role=m.role, group_id=m.group_id) for m in connection.group_mappings
        ],
        saml=pb.SamlSettings(
            idp_entity_id=connection.idp_entity_id,
            idp_sso_url=connection.idp_sso_url,
            metadata_url=connection.metadata_url,
            require_encrypted_assertions=connection.require_encrypted_assertions,
            sp_entity_id=sp_entity_id(public_url, connection.id) if public_url and connection.protocol == SAML else "",
            acs_url=acs_url(public_url, connection.id) if public_url and connection.protocol == SAML else "",
            sp_certificates=[
                pb.SpCertificate(
                    id=c.id,
                    certificate_pem=c.certificate_pem,
                    fingerprint_sha256=c.fingerprint_sha256,
                    create_time=timestamp(c.created_at),
                    retire_time=timestamp(c.retires_at) if c.retires_at else None,
                )
                for c in connection.sp_certificates
            ],
            metadata_refresh=pb.MetadataRefresh(
                last_success_time=(
                    timestamp(connection.metadata_refreshed_at) if connection.metadata_refreshed_at else None
                ),
                last_failure_time=(
                    timestamp(connection.metadata_refresh_failed_at) if connection.metadata_refresh_failed_at else None
                ),
                last_error=connection.metadata_refresh_error,
            ),
        ),
        oidc=pb.OidcSettings(
            issuer=connection.oidc_issuer,
            client_id=connection.oidc_client_id,
            allowed_algorithms=list(connection.oidc_allowed_algorithms),
            scopes=list(connection.oidc_scopes),
            redirect_uri=oidc_redirect_uri(public_url) if public_url and connection.protocol == OIDC else "",
        ),
        idp_certificates=[
            pb.IdpCertificate(
                id=c.id,
                certificate_pem=c.certificate_pem,
                fingerprint_sha256=c.fingerprint_sha256,
                expire_time=timestamp(c.expires_at) if c.expires_at else None,
                create_time=timestamp(c.created_at),
            )
            for c in connection.certificates
        ],
        version=connection.version,
        create_time=timestamp(connection.created_at) if connection.created_at else None,
        update_time=timestamp(connection.updated_at) if connection.updated_at else None,
    )


def connection_fields(message: pb.SsoConnection) -> dict[str, object]:
    """Every editable field of a connection message, as the domain names them."""
    mapping = message.attribute_mapping
    return {
        "name": message.name,
        "enabled": message.enabled,
        "idp_initiated_enabled": message.idp_initiated_enabled,
        "jit_provisioning": message.jit_provisioning,
        "default_role": message.default_role,
        "attribute_mapping": AttributeMapping(
            email=mapping.email,
            display_name=mapping.display_name,
            groups=mapping.groups,
            profile_fields=dict(mapping.profile_fields),
        ),
        "group_mappings": tuple(
            GroupMapping(idp_group=m.idp_group, role=m.role, group_id=m.group_id) for m in message.group_mappings
        ),
        "idp_entity_id": message.saml.idp_entity_id,
        "idp_sso_url": message.saml.idp_sso_url,
        "require_encrypted_assertions": message.saml.require_encrypted_assertions,
        "oidc_issuer": message.oidc.issuer,
        "oidc_client_id": message.oidc.client_id,
        "oidc_allowed_algorithms": tuple(message.oidc.allowed_algorithms),
        "oidc_client_secret": message.oidc.client_secret,
        "oidc_scopes": tuple(message.oidc.scopes),
    }


# Mask paths as clients write them (the proto's nesting) to the domain's field names.
MASK_PATHS = {
    "saml.idp_entity_id": "idp_entity_id",
    "saml.idp_sso_url": "idp_sso_url",
    "saml.require_encrypted_assertions": "require_encrypted_assertions",
    "oidc.issuer": "oidc_issuer",
    "oidc.client_id": "oidc_client_id",
    "oidc.allowed_algorithms": "oidc_allowed_algorithms",
    "oidc.client_secret": "oidc_client_secret",
    "oidc.scopes": "oidc_scopes",
}


def domain_to_proto(domain: SsoDomain) -> pb.SsoDomain:
    return pb.SsoDomain(
        domain=domain.domain,
        state=pb.DOMAIN_STATE_VERIFIED if domain.state == DOMAIN_VERIFIED else pb.DOMAIN_STATE_PENDING,
        txt_record_name=txt_record_name(domain.domain),
        txt_record_value=txt_record_value(domain),
        verify_time=timestamp(domain.verified_at) if domain.verified_at else None,
        create_time=timestamp(domain.created_at),
    )


def policy_to_proto(policy: SsoPolicy) -> pb.SsoPolicy:
    return pb.SsoPolicy(
        sso_required=policy.sso_required,
        break_glass_account_ids=list(policy.break_glass_account_ids),
        version=policy.version,
    )
