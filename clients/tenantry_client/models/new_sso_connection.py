from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.new_sso_connection_preset import NewSsoConnectionPreset
from ..models.new_sso_connection_protocol import NewSsoConnectionProtocol
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attribute_mapping import AttributeMapping
    from ..models.group_mapping import GroupMapping
    from ..models.oidc_settings_input import OidcSettingsInput
    from ..models.saml_settings_input import SamlSettingsInput


T = TypeVar("T", bound="NewSsoConnection")


@_attrs_define
class NewSsoConnection:
    """A connection; it starts disabled. SAML takes `saml`, OIDC takes `oidc`.

    Attributes:
        name (str):
        protocol (NewSsoConnectionProtocol):
        attribute_mapping (AttributeMapping | None | Unset):
        default_role (str | Unset): empty: the organization's default role Default: ''.
        group_mappings (list[GroupMapping] | Unset):
        idp_initiated_enabled (bool | Unset):  Default: False.
        jit_provisioning (bool | Unset):  Default: False.
        oidc (None | OidcSettingsInput | Unset):
        preset (NewSsoConnectionPreset | Unset): attribute mapping preset Default: NewSsoConnectionPreset.VALUE_0.
        saml (None | SamlSettingsInput | Unset):
    """

    name: str
    protocol: NewSsoConnectionProtocol
    attribute_mapping: AttributeMapping | None | Unset = UNSET
    default_role: str | Unset = ""
    group_mappings: list[GroupMapping] | Unset = UNSET
    idp_initiated_enabled: bool | Unset = False
    jit_provisioning: bool | Unset = False
    oidc: None | OidcSettingsInput | Unset = UNSET
    preset: NewSsoConnectionPreset | Unset = NewSsoConnectionPreset.VALUE_0
    saml: None | SamlSettingsInput | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.attribute_mapping import AttributeMapping  # noqa: PLC0415
        from ..models.oidc_settings_input import OidcSettingsInput  # noqa: PLC0415
        from ..models.saml_settings_input import SamlSettingsInput  # noqa: PLC0415

        name = self.name

        protocol = self.protocol.value

        attribute_mapping: dict[str, Any] | None | Unset
        if isinstance(self.attribute_mapping, Unset):
            attribute_mapping = UNSET
        elif isinstance(self.attribute_mapping, AttributeMapping):
            attribute_mapping = self.attribute_mapping.to_dict()
        else:
            attribute_mapping = self.attribute_mapping

        default_role = self.default_role

        group_mappings: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.group_mappings, Unset):
            group_mappings = []
            for group_mappings_item_data in self.group_mappings:
                group_mappings_item = group_mappings_item_data.to_dict()
                group_mappings.append(group_mappings_item)

        idp_initiated_enabled = self.idp_initiated_enabled

        jit_provisioning = self.jit_provisioning

        oidc: dict[str, Any] | None | Unset
        if isinstance(self.oidc, Unset):
            oidc = UNSET
        elif isinstance(self.oidc, OidcSettingsInput):
            oidc = self.oidc.to_dict()
        else:
            oidc = self.oidc

        preset: str | Unset = UNSET
        if not isinstance(self.preset, Unset):
            preset = self.preset.value

        saml: dict[str, Any] | None | Unset
        if isinstance(self.saml, Unset):
            saml = UNSET
        elif isinstance(self.saml, SamlSettingsInput):
            saml = self.saml.to_dict()
        else:
            saml = self.saml

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "protocol": protocol,
            }
        )
        if attribute_mapping is not UNSET:
            field_dict["attribute_mapping"] = attribute_mapping
        if default_role is not UNSET:
            field_dict["default_role"] = default_role
        if group_mappings is not UNSET:
            field_dict["group_mappings"] = group_mappings
        if idp_initiated_enabled is not UNSET:
            field_dict["idp_initiated_enabled"] = idp_initiated_enabled
        if jit_provisioning is not UNSET:
            field_dict["jit_provisioning"] = jit_provisioning
        if oidc is not UNSET:
            field_dict["oidc"] = oidc
        if preset is not UNSET:
            field_dict["preset"] = preset
        if saml is not UNSET:
            field_dict["saml"] = saml

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attribute_mapping import AttributeMapping  # noqa: PLC0415
        from ..models.group_mapping import GroupMapping  # noqa: PLC0415
        from ..models.oidc_settings_input import OidcSettingsInput  # noqa: PLC0415
        from ..models.saml_settings_input import SamlSettingsInput  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        protocol = NewSsoConnectionProtocol(d.pop("protocol"))

        def _parse_attribute_mapping(data: object) -> AttributeMapping | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                attribute_mapping_type_0 = AttributeMapping.from_dict(data)

                return attribute_mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AttributeMapping | None | Unset, data)

        attribute_mapping = _parse_attribute_mapping(d.pop("attribute_mapping", UNSET))

        default_role = d.pop("default_role", UNSET)

        _group_mappings = d.pop("group_mappings", UNSET)
        group_mappings: list[GroupMapping] | Unset = UNSET
        if _group_mappings is not UNSET:
            group_mappings = []
            for group_mappings_item_data in _group_mappings:
                group_mappings_item = GroupMapping.from_dict(group_mappings_item_data)

                group_mappings.append(group_mappings_item)

        idp_initiated_enabled = d.pop("idp_initiated_enabled", UNSET)

        jit_provisioning = d.pop("jit_provisioning", UNSET)

        def _parse_oidc(data: object) -> None | OidcSettingsInput | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                oidc_type_0 = OidcSettingsInput.from_dict(data)

                return oidc_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OidcSettingsInput | Unset, data)

        oidc = _parse_oidc(d.pop("oidc", UNSET))

        _preset = d.pop("preset", UNSET)
        preset: NewSsoConnectionPreset | Unset
        if isinstance(_preset, Unset):
            preset = UNSET
        else:
            preset = NewSsoConnectionPreset(_preset)

        def _parse_saml(data: object) -> None | SamlSettingsInput | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                saml_type_0 = SamlSettingsInput.from_dict(data)

                return saml_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SamlSettingsInput | Unset, data)

        saml = _parse_saml(d.pop("saml", UNSET))

        new_sso_connection = cls(
            name=name,
            protocol=protocol,
            attribute_mapping=attribute_mapping,
            default_role=default_role,
            group_mappings=group_mappings,
            idp_initiated_enabled=idp_initiated_enabled,
            jit_provisioning=jit_provisioning,
            oidc=oidc,
            preset=preset,
            saml=saml,
        )

        return new_sso_connection
