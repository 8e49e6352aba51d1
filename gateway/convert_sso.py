"""SsoService messages as the REST API's JSON, and the JSON bodies as SsoService messages."""

from __future__ import annotations

import re
from typing import Any

from tenantry.identity.v1 import sso_service_pb2 as sso_pb

from gateway.convert import time_of
from gateway.models.sso import AttributeMapping, GroupMapping, NewSsoConnection, SsoConnectionChanges

PROTOCOLS = {"saml": sso_pb.SSO_PROTOCOL_SAML, "oidc": sso_pb.SSO_PROTOCOL_OIDC}
PROTOCOL_WORDS = {value: key for key, value in PROTOCOLS.items()}
_VERSION_TAG = re.compile(r'^W/"(\d{1,18})"$')


def version_etag(version: int) -> str:
    """A connection's or policy's version as the service etag the other routes carry."""
    return f'W/"{version}"'


def expected_version(service_etag: str) -> int | None:
    """The version an If-Match names: None for `*` or none sent; -1, which no version has, for another tag."""
    if not service_etag:
        return None
    match = _VERSION_TAG.match(service_etag)
    return int(match.group(1)) if match else -1


def connection(value: sso_pb.SsoConnection) -> dict[str, Any]:
    mapping = value.attribute_mapping
    protocol = PROTOCOL_WORDS[value.protocol]
    return {
        "id": value.id,
        "name": value.name,
        "protocol": protocol,
        "preset": value.preset,
        "enabled": value.enabled,
        "idp_initiated_enabled": value.idp_initiated_enabled,
        "jit_provisioning": value.jit_provisioning,
        "default_role": value.default_role,
        "attribute_mapping": {
            "email": mapping.email,
            "display_name": mapping.display_name,
            "groups": mapping.groups,
            "profile_fields": dict(mapping.profile_fields),
        },
        "group_mappings": [
            {"idp_group": m.idp_group, "role": m.role, "group_id": m.group_id} for m in value.group_mappings
        ],
        "saml": {
            "idp_entity_id": value.saml.idp_entity_id,
            "idp_sso_url": value.saml.idp_sso_url,
            "metadata_url": value.saml.metadata_url,
            "require_encrypted_assertions": value.saml.require_encrypted_assertions,
            "sp_entity_id": value.saml.sp_entity_id,
            "acs_url": value.saml.acs_url,
            "sp_certificates": [
                {
                    "id": c.id,
                    "fingerprint_sha256": c.fingerprint_sha256,
                    "certificate_pem": c.certificate_pem,
                    "create_time": time_of(c.create_time),
                    "retire_time": time_of(c.retire_time),
                }
                for c in value.saml.sp_certificates
            ],
            "metadata_refresh": {
                "last_success_time": time_of(value.saml.metadata_refresh.last_success_time),
                "last_failure_time": time_of(value.saml.metadata_refresh.last_failure_time),
                "last_error": value.saml.metadata_refresh.last_error,
            },
        }
        if protocol == "saml"
        else None,
        "oidc": {
            "issuer": value.oidc.issuer,
            "client_id": value.oidc.client_id,
            "allowed_algorithms": list(value.oidc.allowed_algorithms),
            "scopes": list(value.oidc.scopes),
            "redirect_uri": value.oidc.redirect_uri,
        }
        if protocol == "oidc"
        else None,
        "idp_certificates": [
            {
                "id": c.id,
                "fingerprint_sha256": c.fingerprint_sha256,
                "certificate_pem": c.certificate_pem,
                "expire_time": time_of(c.expire_time),
                "create_time": time_of(c.create_time),
            }
            for c in value.idp_certificates
        ],
        "etag": version_etag(value.version),
        "create_time": time_of(value.create_time),
        "update_time": time_of(value.update_time),
    }


def domain(value: sso_pb.SsoDomain) -> dict[str, Any]:
    return {
        "domain": value.domain,
        "state": "verified" if value.state == sso_pb.DOMAIN_STATE_VERIFIED else "pending",
        "txt_record_name": value.txt_record_name,
        "txt_record_value": value.txt_record_value,
        "verify_time": time_of(value.verify_time),
        "create_time": time_of(value.create_time),
    }


def policy(value: sso_pb.SsoPolicy) -> dict[str, Any]:
    return {
        "sso_required": value.sso_required,
        "break_glass_account_ids": list(value.break_glass_account_ids),
        "etag": version_etag(value.version),
    }


def _mapping(value: AttributeMapping) -> sso_pb.AttributeMapping:
    return sso_pb.AttributeMapping(**value.model_dump())


def _group_mappings(values: list[GroupMapping]) -> list[sso_pb.GroupMapping]:
    return [sso_pb.GroupMapping(**m.model_dump()) for m in values]


def new_connection(body: NewSsoConnection) -> sso_pb.SsoConnection:
    """The connection to create; SAML metadata is imported by a second call, so it is not part of it."""
    message = sso_pb.SsoConnection(
        name=body.name,
        protocol=PROTOCOLS[body.protocol],
        preset=body.preset,
        idp_initiated_enabled=body.idp_initiated_enabled,
        jit_provisioning=body.jit_provisioning,
        default_role=body.default_role,
        group_mappings=_group_mappings(body.group_mappings),
    )
    if body.attribute_mapping is not None:
        message.attribute_mapping.CopyFrom(_mapping(body.attribute_mapping))
    if body.saml is not None:
        message.saml.CopyFrom(sso_pb.SamlSettings(**body.saml.model_dump(exclude={"metadata_url", "metadata_xml"})))
    if body.oidc is not None:
        message.oidc.CopyFrom(sso_pb.OidcSettings(**body.oidc.model_dump()))
    return message


def connection_changes(connection_id: str, body: SsoConnectionChanges) -> tuple[sso_pb.SsoConnection, list[str]]:
    """The message with the new values and the update mask naming them (nested as the proto nests them)."""
    message = sso_pb.SsoConnection(id=connection_id)
    paths: list[str] = []
    for name in ("name", "enabled", "idp_initiated_enabled", "jit_provisioning", "default_role"):
        value = getattr(body, name)
        if value is not None:
            setattr(message, name, value)
            paths.append(name)
    if body.attribute_mapping is not None:
        message.attribute_mapping.CopyFrom(_mapping(body.attribute_mapping))
        paths.append("attribute_mapping")
    if body.group_mappings is not None:
        message.group_mappings.extend(_group_mappings(body.group_mappings))
        paths.append("group_mappings")
    for section, changes in (("saml", body.saml), ("oidc", body.oidc)):
        for name, value in (changes.model_dump(exclude_none=True) if changes else {}).items():
            target = getattr(message, section)
            if isinstance(value, list):
                getattr(target, name).extend(value)
            else:
                setattr(target, name, value)
            paths.append(f"{section}.{name}")
    return message, paths
