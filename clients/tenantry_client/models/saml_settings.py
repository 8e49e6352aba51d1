from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.metadata_refresh import MetadataRefresh
    from ..models.sp_certificate import SpCertificate


T = TypeVar("T", bound="SamlSettings")


@_attrs_define
class SamlSettings:
    """
    Attributes:
        acs_url (str):
        idp_entity_id (str):
        idp_sso_url (str):
        metadata_refresh (MetadataRefresh): The scheduled refresh of metadata imported from metadata_url; after a
            failure the last good one holds.
        metadata_url (str):
        require_encrypted_assertions (bool):
        sp_certificates (list[SpCertificate]): ours, for signing and encryption, newest first (read only)
        sp_entity_id (str): also the URL of our SP metadata, for the IdP administrator
    """

    acs_url: str
    idp_entity_id: str
    idp_sso_url: str
    metadata_refresh: MetadataRefresh
    metadata_url: str
    require_encrypted_assertions: bool
    sp_certificates: list[SpCertificate]
    sp_entity_id: str

    def to_dict(self) -> dict[str, Any]:
        acs_url = self.acs_url

        idp_entity_id = self.idp_entity_id

        idp_sso_url = self.idp_sso_url

        metadata_refresh = self.metadata_refresh.to_dict()

        metadata_url = self.metadata_url

        require_encrypted_assertions = self.require_encrypted_assertions

        sp_certificates = []
        for sp_certificates_item_data in self.sp_certificates:
            sp_certificates_item = sp_certificates_item_data.to_dict()
            sp_certificates.append(sp_certificates_item)

        sp_entity_id = self.sp_entity_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "acs_url": acs_url,
                "idp_entity_id": idp_entity_id,
                "idp_sso_url": idp_sso_url,
                "metadata_refresh": metadata_refresh,
                "metadata_url": metadata_url,
                "require_encrypted_assertions": require_encrypted_assertions,
                "sp_certificates": sp_certificates,
                "sp_entity_id": sp_entity_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metadata_refresh import MetadataRefresh  # noqa: PLC0415
        from ..models.sp_certificate import SpCertificate  # noqa: PLC0415

        d = dict(src_dict)
        acs_url = d.pop("acs_url")

        idp_entity_id = d.pop("idp_entity_id")

        idp_sso_url = d.pop("idp_sso_url")

        metadata_refresh = MetadataRefresh.from_dict(d.pop("metadata_refresh"))

        metadata_url = d.pop("metadata_url")

        require_encrypted_assertions = d.pop("require_encrypted_assertions")

        sp_certificates = []
        _sp_certificates = d.pop("sp_certificates")
        for sp_certificates_item_data in _sp_certificates:
            sp_certificates_item = SpCertificate.from_dict(sp_certificates_item_data)

            sp_certificates.append(sp_certificates_item)

        sp_entity_id = d.pop("sp_entity_id")

        saml_settings = cls(
            acs_url=acs_url,
            idp_entity_id=idp_entity_id,
            idp_sso_url=idp_sso_url,
            metadata_refresh=metadata_refresh,
            metadata_url=metadata_url,
            require_encrypted_assertions=require_encrypted_assertions,
            sp_certificates=sp_certificates,
            sp_entity_id=sp_entity_id,
        )

        return saml_settings
