"""Bodies of the SSO administration routes: connections, IdP certificates, domains and the SSO policy."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from gateway.models.fields import Domain, Id, Key, Name, OptionalId, RequestBody, ResponseBody, Timestamp, Url

SsoProtocol = Literal["saml", "oidc"]
Preset = Literal["", "entra_id", "okta", "google"]
AttributeName = Annotated[str, StringConstraints(max_length=256)]
MetadataXml = Annotated[str, StringConstraints(max_length=200_000)]
CertificatePem = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
ClientSecret = Annotated[str, StringConstraints(max_length=512)]
Algorithm = Annotated[str, StringConstraints(min_length=1, max_length=16)]
Scope = Annotated[str, StringConstraints(min_length=1, max_length=100)]
AccountIds = Annotated[list[Id], Field(max_length=20)]


class AttributeMapping(RequestBody):
    email: Annotated[AttributeName, Field(description="empty reads the NameID (SAML) or email (OIDC)")] = ""
    display_name: AttributeName = ""
    groups: AttributeName = ""
    profile_fields: Annotated[dict[Key, AttributeName], Field(max_length=50, description="field key to attribute")] = {}


class GroupMapping(RequestBody):
    idp_group: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    role: Annotated[OptionalId, Field(description="role key; empty for none")] = ""
    group_id: Annotated[OptionalId, Field(description="membership group; empty for none")] = ""


GroupMappings = Annotated[list[GroupMapping], Field(max_length=100)]


class SamlSettingsInput(RequestBody):
    """Entered by hand, or read from the IdP's metadata (a URL, refreshed on a schedule, or the XML itself)."""

    idp_entity_id: Url = ""
    idp_sso_url: Url = ""
    metadata_url: Annotated[Url, Field(description="https URL of the IdP metadata, imported at once")] = ""
    metadata_xml: Annotated[MetadataXml, Field(description="the IdP metadata document, imported at once")] = ""
    require_encrypted_assertions: bool = False

    @model_validator(mode="after")
    def one_metadata_source(self) -> SamlSettingsInput:
        if self.metadata_url and self.metadata_xml:
            raise ValueError("send metadata_url or metadata_xml, not both")
        return self


class OidcSettingsInput(RequestBody):
    issuer: Url = ""
    client_id: Annotated[str, StringConstraints(max_length=256)] = ""
    client_secret: Annotated[ClientSecret, Field(description="write-only, never returned")] = ""
    allowed_algorithms: Annotated[list[Algorithm], Field(max_length=10, description="empty means RS256")] = []
    scopes: Annotated[list[Scope], Field(max_length=20, description='empty means "openid email profile"')] = []


class NewSsoConnection(RequestBody):
    """A connection; it starts disabled. SAML takes `saml`, OIDC takes `oidc`."""

    name: Annotated[Name, Field(min_length=1)]
    protocol: SsoProtocol
    preset: Annotated[Preset, Field(description="attribute mapping preset")] = ""
    idp_initiated_enabled: bool = False
    jit_provisioning: bool = False
    default_role: Annotated[OptionalId, Field(description="empty: the organization's default role")] = ""
    attribute_mapping: AttributeMapping | None = None
    group_mappings: GroupMappings = []
    saml: SamlSettingsInput | None = None
    oidc: OidcSettingsInput | None = None

    @field_validator("saml", "oidc")
    @classmethod
    def settings_of_its_protocol(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and info.data.get("protocol") != info.field_name:
            raise ValueError(f"only a {str(info.field_name).upper()} connection takes {info.field_name} settings")
        return value


class SamlSettingsChanges(RequestBody):
    idp_entity_id: Url | None = None
    idp_sso_url: Url | None = None
    require_encrypted_assertions: bool | None = None


class OidcSettingsChanges(RequestBody):
    issuer: Url | None = None
    client_id: Annotated[str | None, StringConstraints(max_length=256)] = None
    client_secret: Annotated[ClientSecret | None, Field(description="write-only, never returned")] = None
    allowed_algorithms: Annotated[list[Algorithm] | None, Field(max_length=10)] = None
    scopes: Annotated[list[Scope] | None, Field(max_length=20)] = None


class SsoConnectionChanges(RequestBody):
    """Only the fields sent change; enabling needs the plan's `sso` entitlement."""

    name: Annotated[Name | None, Field(min_length=1)] = None
    enabled: bool | None = None
    idp_initiated_enabled: bool | None = None
    jit_provisioning: bool | None = None
    default_role: OptionalId | None = None
    attribute_mapping: AttributeMapping | None = None
    group_mappings: GroupMappings | None = None
    saml: SamlSettingsChanges | None = None
    oidc: OidcSettingsChanges | None = None


class MetadataImport(RequestBody):
    """Exactly one of the two."""

    metadata_url: Url = ""
    metadata_xml: MetadataXml = ""

    @model_validator(mode="after")
    def exactly_one_source(self) -> MetadataImport:
        if bool(self.metadata_url) == bool(self.metadata_xml):
            raise ValueError("send exactly one of metadata_url and metadata_xml")
        return self


class NewIdpCertificate(RequestBody):
    certificate_pem: CertificatePem


class NewDomain(RequestBody):
    domain: Domain


class SsoPolicyChanges(RequestBody):
    """Only the fields sent change. While SSO is required, at least one break-glass Owner keeps a password."""

    sso_required: bool | None = None
    break_glass_account_ids: AccountIds | None = None


class AttributeMappingView(ResponseBody):
    email: str
    display_name: str
    groups: str
    profile_fields: dict[str, str]


class GroupMappingView(ResponseBody):
    idp_group: str
    role: str
    group_id: str


class SpCertificate(ResponseBody):
    id: Annotated[str, Field(description="the key's id, to retire it")]
    fingerprint_sha256: str
    certificate_pem: str
    create_time: Timestamp | None
    retire_time: Annotated[Timestamp | None, Field(description="end of its rotation overlap; null for the newest")]


class MetadataRefresh(ResponseBody):
    """The scheduled refresh of metadata imported from metadata_url; after a failure the last good one holds."""

    last_success_time: Timestamp | None
    last_failure_time: Timestamp | None
    last_error: Annotated[str, Field(description="empty once a refresh succeeds again")]


class SamlSettings(ResponseBody):
    idp_entity_id: str
    idp_sso_url: str
    metadata_url: str
    require_encrypted_assertions: bool
    sp_entity_id: Annotated[str, Field(description="also the URL of our SP metadata, for the IdP administrator")]
    acs_url: str
    sp_certificates: Annotated[
        list[SpCertificate], Field(description="ours, for signing and encryption, newest first (read only)")
    ]
    metadata_refresh: MetadataRefresh


class OidcSettings(ResponseBody):
    issuer: str
    client_id: str
    allowed_algorithms: list[str]
    scopes: list[str]
    redirect_uri: Annotated[str, Field(description="register it at the provider")]


class IdpCertificate(ResponseBody):
    id: str
    fingerprint_sha256: str
    certificate_pem: str
    expire_time: Timestamp | None
    create_time: Timestamp | None


class SsoConnection(ResponseBody):
    id: str
    name: str
    protocol: SsoProtocol
    preset: str
    enabled: bool
    idp_initiated_enabled: bool
    jit_provisioning: bool
    default_role: str
    attribute_mapping: AttributeMappingView
    group_mappings: list[GroupMappingView]
    saml: SamlSettings | None
    oidc: OidcSettings | None
    idp_certificates: list[IdpCertificate]
    etag: str
    create_time: Timestamp | None
    update_time: Timestamp | None


class SsoConnectionReply(ResponseBody):
    connection: SsoConnection


class SsoConnectionList(ResponseBody):
    connections: list[SsoConnection]


class SpKey(ResponseBody):
    certificate_pem: Annotated[str, Field(description="published next to the previous one")]
    key_id: str


class SsoDomain(ResponseBody):
    domain: str
    state: Literal["pending", "verified"]
    txt_record_name: Annotated[str, Field(description="publish a TXT record with this name")]
    txt_record_value: Annotated[str, Field(description="and this value, then verify")]
    verify_time: Timestamp | None
    create_time: Timestamp | None


class SsoDomainReply(ResponseBody):
    domain: SsoDomain


class SsoDomainList(ResponseBody):
    domains: list[SsoDomain]


class SsoPolicy(ResponseBody):
    sso_required: bool
    break_glass_account_ids: list[str]
    etag: str


class SsoPolicyReply(ResponseBody):
    policy: SsoPolicy
    ended_sessions: Annotated[int, Field(description="password sessions ended by this change")] = 0
