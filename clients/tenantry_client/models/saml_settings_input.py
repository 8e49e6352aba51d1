from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SamlSettingsInput")


@_attrs_define
class SamlSettingsInput:
    """Entered by hand, or read from the IdP's metadata (a URL, refreshed on a schedule, or the XML itself).

    Attributes:
        idp_entity_id (str | Unset):  Default: ''.
        idp_sso_url (str | Unset):  Default: ''.
        metadata_url (str | Unset): https URL of the IdP metadata, imported at once Default: ''.
        metadata_xml (str | Unset): the IdP metadata document, imported at once Default: ''.
        require_encrypted_assertions (bool | Unset):  Default: False.
    """

    idp_entity_id: str | Unset = ""
    idp_sso_url: str | Unset = ""
    metadata_url: str | Unset = ""
    metadata_xml: str | Unset = ""
    require_encrypted_assertions: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        idp_entity_id = self.idp_entity_id

        idp_sso_url = self.idp_sso_url

        metadata_url = self.metadata_url

        metadata_xml = self.metadata_xml

        require_encrypted_assertions = self.require_encrypted_assertions

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if idp_entity_id is not UNSET:
            field_dict["idp_entity_id"] = idp_entity_id
        if idp_sso_url is not UNSET:
            field_dict["idp_sso_url"] = idp_sso_url
        if metadata_url is not UNSET:
            field_dict["metadata_url"] = metadata_url
        if metadata_xml is not UNSET:
            field_dict["metadata_xml"] = metadata_xml
        if require_encrypted_assertions is not UNSET:
            field_dict["require_encrypted_assertions"] = require_encrypted_assertions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        idp_entity_id = d.pop("idp_entity_id", UNSET)

        idp_sso_url = d.pop("idp_sso_url", UNSET)

        metadata_url = d.pop("metadata_url", UNSET)

        metadata_xml = d.pop("metadata_xml", UNSET)

        require_encrypted_assertions = d.pop("require_encrypted_assertions", UNSET)

        saml_settings_input = cls(
            idp_entity_id=idp_entity_id,
            idp_sso_url=idp_sso_url,
            metadata_url=metadata_url,
            metadata_xml=metadata_xml,
            require_encrypted_assertions=require_encrypted_assertions,
        )

        return saml_settings_input
