from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sso_connection_protocol import SsoConnectionProtocol

if TYPE_CHECKING:
    from ..models.attribute_mapping_view import AttributeMappingView
    from ..models.group_mapping_view import GroupMappingView
    from ..models.idp_certificate import IdpCertificate
    from ..models.oidc_settings import OidcSettings
    from ..models.saml_settings import SamlSettings


T = TypeVar("T", bound="SsoConnection")


@_attrs_define
class SsoConnection:
    """
    Attributes:
        attribute_mapping (AttributeMappingView):
        create_time (datetime.datetime | None):
        default_role (str):
        enabled (bool):
        etag (str):
        group_mappings (list[GroupMappingView]):
        id (str):
        idp_certificates (list[IdpCertificate]):
        idp_initiated_enabled (bool):
        jit_provisioning (bool):
        name (str):
        oidc (None | OidcSettings):
        preset (str):
        protocol (SsoConnectionProtocol):
        saml (None | SamlSettings):
        update_time (datetime.datetime | None):
    """

    attribute_mapping: AttributeMappingView
    create_time: datetime.datetime | None
    default_role: str
    enabled: bool
    etag: str
    group_mappings: list[GroupMappingView]
    id: str
    idp_certificates: list[IdpCertificate]
    idp_initiated_enabled: bool
    jit_provisioning: bool
    name: str
    oidc: None | OidcSettings
    preset: str
    protocol: SsoConnectionProtocol
    saml: None | SamlSettings
    update_time: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.oidc_settings import OidcSettings  # noqa: PLC0415
        from ..models.saml_settings import SamlSettings  # noqa: PLC0415

        attribute_mapping = self.attribute_mapping.to_dict()

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        default_role = self.default_role

        enabled = self.enabled

        etag = self.etag

        group_mappings = []
        for group_mappings_item_data in self.group_mappings:
            group_mappings_item = group_mappings_item_data.to_dict()
            group_mappings.append(group_mappings_item)

        id = self.id

        idp_certificates = []
        for idp_certificates_item_data in self.idp_certificates:
            idp_certificates_item = idp_certificates_item_data.to_dict()
            idp_certificates.append(idp_certificates_item)

        idp_initiated_enabled = self.idp_initiated_enabled

        jit_provisioning = self.jit_provisioning

        name = self.name

        oidc: dict[str, Any] | None
        if isinstance(self.oidc, OidcSettings):
            oidc = self.oidc.to_dict()
        else:
            oidc = self.oidc

        preset = self.preset

        protocol = self.protocol.value

        saml: dict[str, Any] | None
        if isinstance(self.saml, SamlSettings):
            saml = self.saml.to_dict()
        else:
            saml = self.saml

        update_time: None | str
        if isinstance(self.update_time, datetime.datetime):
            update_time = self.update_time.isoformat()
        else:
            update_time = self.update_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "attribute_mapping": attribute_mapping,
                "create_time": create_time,
                "default_role": default_role,
                "enabled": enabled,
                "etag": etag,
                "group_mappings": group_mappings,
                "id": id,
                "idp_certificates": idp_certificates,
                "idp_initiated_enabled": idp_initiated_enabled,
                "jit_provisioning": jit_provisioning,
                "name": name,
                "oidc": oidc,
                "preset": preset,
                "protocol": protocol,
                "saml": saml,
                "update_time": update_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attribute_mapping_view import AttributeMappingView  # noqa: PLC0415
        from ..models.group_mapping_view import GroupMappingView  # noqa: PLC0415
        from ..models.idp_certificate import IdpCertificate  # noqa: PLC0415
        from ..models.oidc_settings import OidcSettings  # noqa: PLC0415
        from ..models.saml_settings import SamlSettings  # noqa: PLC0415

        d = dict(src_dict)
        attribute_mapping = AttributeMappingView.from_dict(d.pop("attribute_mapping"))

        def _parse_create_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                create_time_type_0 = datetime.datetime.fromisoformat(data)

                return create_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        create_time = _parse_create_time(d.pop("create_time"))

        default_role = d.pop("default_role")

        enabled = d.pop("enabled")

        etag = d.pop("etag")

        group_mappings = []
        _group_mappings = d.pop("group_mappings")
        for group_mappings_item_data in _group_mappings:
            group_mappings_item = GroupMappingView.from_dict(group_mappings_item_data)

            group_mappings.append(group_mappings_item)

        id = d.pop("id")

        idp_certificates = []
        _idp_certificates = d.pop("idp_certificates")
        for idp_certificates_item_data in _idp_certificates:
            idp_certificates_item = IdpCertificate.from_dict(idp_certificates_item_data)

            idp_certificates.append(idp_certificates_item)

        idp_initiated_enabled = d.pop("idp_initiated_enabled")

        jit_provisioning = d.pop("jit_provisioning")

        name = d.pop("name")

        def _parse_oidc(data: object) -> None | OidcSettings:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                oidc_type_0 = OidcSettings.from_dict(data)

                return oidc_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OidcSettings, data)

        oidc = _parse_oidc(d.pop("oidc"))

        preset = d.pop("preset")

        protocol = SsoConnectionProtocol(d.pop("protocol"))

        def _parse_saml(data: object) -> None | SamlSettings:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                saml_type_0 = SamlSettings.from_dict(data)

                return saml_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SamlSettings, data)

        saml = _parse_saml(d.pop("saml"))

        def _parse_update_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                update_time_type_0 = datetime.datetime.fromisoformat(data)

                return update_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        update_time = _parse_update_time(d.pop("update_time"))

        sso_connection = cls(
            attribute_mapping=attribute_mapping,
            create_time=create_time,
            default_role=default_role,
            enabled=enabled,
            etag=etag,
            group_mappings=group_mappings,
            id=id,
            idp_certificates=idp_certificates,
            idp_initiated_enabled=idp_initiated_enabled,
            jit_provisioning=jit_provisioning,
            name=name,
            oidc=oidc,
            preset=preset,
            protocol=protocol,
            saml=saml,
            update_time=update_time,
        )

        return sso_connection
