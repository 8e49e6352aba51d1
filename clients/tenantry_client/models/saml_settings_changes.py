from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SamlSettingsChanges")


@_attrs_define
class SamlSettingsChanges:
    """
    Attributes:
        idp_entity_id (None | str | Unset):
        idp_sso_url (None | str | Unset):
        require_encrypted_assertions (bool | None | Unset):
    """

    idp_entity_id: None | str | Unset = UNSET
    idp_sso_url: None | str | Unset = UNSET
    require_encrypted_assertions: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        idp_entity_id: None | str | Unset
        if isinstance(self.idp_entity_id, Unset):
            idp_entity_id = UNSET
        else:
            idp_entity_id = self.idp_entity_id

        idp_sso_url: None | str | Unset
        if isinstance(self.idp_sso_url, Unset):
            idp_sso_url = UNSET
        else:
            idp_sso_url = self.idp_sso_url

        require_encrypted_assertions: bool | None | Unset
        if isinstance(self.require_encrypted_assertions, Unset):
            require_encrypted_assertions = UNSET
        else:
            require_encrypted_assertions = self.require_encrypted_assertions

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if idp_entity_id is not UNSET:
            field_dict["idp_entity_id"] = idp_entity_id
        if idp_sso_url is not UNSET:
            field_dict["idp_sso_url"] = idp_sso_url
        if require_encrypted_assertions is not UNSET:
            field_dict["require_encrypted_assertions"] = require_encrypted_assertions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_idp_entity_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        idp_entity_id = _parse_idp_entity_id(d.pop("idp_entity_id", UNSET))

        def _parse_idp_sso_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        idp_sso_url = _parse_idp_sso_url(d.pop("idp_sso_url", UNSET))

        def _parse_require_encrypted_assertions(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        require_encrypted_assertions = _parse_require_encrypted_assertions(d.pop("require_encrypted_assertions", UNSET))

        saml_settings_changes = cls(
            idp_entity_id=idp_entity_id,
            idp_sso_url=idp_sso_url,
            require_encrypted_assertions=require_encrypted_assertions,
        )

        return saml_settings_changes
