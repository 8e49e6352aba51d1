from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attribute_mapping import AttributeMapping
    from ..models.group_mapping import GroupMapping
    from ..models.oidc_settings_changes import OidcSettingsChanges
    from ..models.saml_settings_changes import SamlSettingsChanges


T = TypeVar("T", bound="SsoConnectionChanges")


@_attrs_define
class SsoConnectionChanges:
    """Only the fields sent change; enabling needs the plan's `sso` entitlement.

    Attributes:
        attribute_mapping (AttributeMapping | None | Unset):
        default_role (None | str | Unset):
        enabled (bool | None | Unset):
        group_mappings (list[GroupMapping] | None | Unset):
        idp_initiated_enabled (bool | None | Unset):
        jit_provisioning (bool | None | Unset):
        name (None | str | Unset):
        oidc (None | OidcSettingsChanges | Unset):
        saml (None | SamlSettingsChanges | Unset):
    """

    attribute_mapping: AttributeMapping | None | Unset = UNSET
    default_role: None | str | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    group_mappings: list[GroupMapping] | None | Unset = UNSET
    idp_initiated_enabled: bool | None | Unset = UNSET
    jit_provisioning: bool | None | Unset = UNSET
    name: None | str | Unset = UNSET
    oidc: None | OidcSettingsChanges | Unset = UNSET
    saml: None | SamlSettingsChanges | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.attribute_mapping import AttributeMapping  # noqa: PLC0415
        from ..models.oidc_settings_changes import OidcSettingsChanges  # noqa: PLC0415
        from ..models.saml_settings_changes import SamlSettingsChanges  # noqa: PLC0415

        attribute_mapping: dict[str, Any] | None | Unset
        if isinstance(self.attribute_mapping, Unset):
            attribute_mapping = UNSET
        elif isinstance(self.attribute_mapping, AttributeMapping):
            attribute_mapping = self.attribute_mapping.to_dict()
        else:
            attribute_mapping = self.attribute_mapping

        default_role: None | str | Unset
        if isinstance(self.default_role, Unset):
            default_role = UNSET
        else:
            default_role = self.default_role

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        group_mappings: list[dict[str, Any]] | None | Unset
        if isinstance(self.group_mappings, Unset):
            group_mappings = UNSET
        elif isinstance(self.group_mappings, list):
            group_mappings = []
            for group_mappings_type_0_item_data in self.group_mappings:
                group_mappings_type_0_item = group_mappings_type_0_item_data.to_dict()
                group_mappings.append(group_mappings_type_0_item)

        else:
            group_mappings = self.group_mappings

        idp_initiated_enabled: bool | None | Unset
        if isinstance(self.idp_initiated_enabled, Unset):
            idp_initiated_enabled = UNSET
        else:
            idp_initiated_enabled = self.idp_initiated_enabled

        jit_provisioning: bool | None | Unset
        if isinstance(self.jit_provisioning, Unset):
            jit_provisioning = UNSET
        else:
            jit_provisioning = self.jit_provisioning

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        oidc: dict[str, Any] | None | Unset
        if isinstance(self.oidc, Unset):
            oidc = UNSET
        elif isinstance(self.oidc, OidcSettingsChanges):
            oidc = self.oidc.to_dict()
        else:
            oidc = self.oidc

        saml: dict[str, Any] | None | Unset
        if isinstance(self.saml, Unset):
            saml = UNSET
        elif isinstance(self.saml, SamlSettingsChanges):
            saml = self.saml.to_dict()
        else:
            saml = self.saml

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if attribute_mapping is not UNSET:
            field_dict["attribute_mapping"] = attribute_mapping
        if default_role is not UNSET:
            field_dict["default_role"] = default_role
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if group_mappings is not UNSET:
            field_dict["group_mappings"] = group_mappings
        if idp_initiated_enabled is not UNSET:
            field_dict["idp_initiated_enabled"] = idp_initiated_enabled
        if jit_provisioning is not UNSET:
            field_dict["jit_provisioning"] = jit_provisioning
        if name is not UNSET:
            field_dict["name"] = name
        if oidc is not UNSET:
            field_dict["oidc"] = oidc
        if saml is not UNSET:
            field_dict["saml"] = saml

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attribute_mapping import AttributeMapping  # noqa: PLC0415
        from ..models.group_mapping import GroupMapping  # noqa: PLC0415
        from ..models.oidc_settings_changes import OidcSettingsChanges  # noqa: PLC0415
        from ..models.saml_settings_changes import SamlSettingsChanges  # noqa: PLC0415

        d = dict(src_dict)

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

        def _parse_default_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_role = _parse_default_role(d.pop("default_role", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        def _parse_group_mappings(data: object) -> list[GroupMapping] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                group_mappings_type_0 = []
                _group_mappings_type_0 = data
                for group_mappings_type_0_item_data in _group_mappings_type_0:
                    group_mappings_type_0_item = GroupMapping.from_dict(group_mappings_type_0_item_data)

                    group_mappings_type_0.append(group_mappings_type_0_item)

                return group_mappings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[GroupMapping] | None | Unset, data)

        group_mappings = _parse_group_mappings(d.pop("group_mappings", UNSET))

        def _parse_idp_initiated_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        idp_initiated_enabled = _parse_idp_initiated_enabled(d.pop("idp_initiated_enabled", UNSET))

        def _parse_jit_provisioning(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        jit_provisioning = _parse_jit_provisioning(d.pop("jit_provisioning", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_oidc(data: object) -> None | OidcSettingsChanges | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                oidc_type_0 = OidcSettingsChanges.from_dict(data)

                return oidc_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OidcSettingsChanges | Unset, data)

        oidc = _parse_oidc(d.pop("oidc", UNSET))

        def _parse_saml(data: object) -> None | SamlSettingsChanges | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                saml_type_0 = SamlSettingsChanges.from_dict(data)

                return saml_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SamlSettingsChanges | Unset, data)

        saml = _parse_saml(d.pop("saml", UNSET))

        sso_connection_changes = cls(
            attribute_mapping=attribute_mapping,
            default_role=default_role,
            enabled=enabled,
            group_mappings=group_mappings,
            idp_initiated_enabled=idp_initiated_enabled,
            jit_provisioning=jit_provisioning,
            name=name,
            oidc=oidc,
            saml=saml,
        )

        return sso_connection_changes
