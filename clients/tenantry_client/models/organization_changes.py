from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.organization_changes_group_creation_policy_type_0 import OrganizationChangesGroupCreationPolicyType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganizationChanges")


@_attrs_define
class OrganizationChanges:
    """Only the fields sent change.

    Attributes:
        accent_color (None | str | Unset): #RRGGBB, or empty
        brand_color (None | str | Unset): #RRGGBB, or empty
        display_name (None | str | Unset):
        group_creation_policy (None | OrganizationChangesGroupCreationPolicyType0 | Unset):
        invitation_ttl_days (int | None | Unset): 0: the default
        logo_url (None | str | Unset): https only
        secondary_color (None | str | Unset): #RRGGBB, or empty
        welcome_message (None | str | Unset): Shown to people at their first sign-in; line breaks kept
        welcome_video_url (None | str | Unset): https only; a video shown with the message
    """

    accent_color: None | str | Unset = UNSET
    brand_color: None | str | Unset = UNSET
    display_name: None | str | Unset = UNSET
    group_creation_policy: None | OrganizationChangesGroupCreationPolicyType0 | Unset = UNSET
    invitation_ttl_days: int | None | Unset = UNSET
    logo_url: None | str | Unset = UNSET
    secondary_color: None | str | Unset = UNSET
    welcome_message: None | str | Unset = UNSET
    welcome_video_url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        accent_color: None | str | Unset
        if isinstance(self.accent_color, Unset):
            accent_color = UNSET
        else:
            accent_color = self.accent_color

        brand_color: None | str | Unset
        if isinstance(self.brand_color, Unset):
            brand_color = UNSET
        else:
            brand_color = self.brand_color

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        group_creation_policy: None | str | Unset
        if isinstance(self.group_creation_policy, Unset):
            group_creation_policy = UNSET
        elif isinstance(self.group_creation_policy, OrganizationChangesGroupCreationPolicyType0):
            group_creation_policy = self.group_creation_policy.value
        else:
            group_creation_policy = self.group_creation_policy

        invitation_ttl_days: int | None | Unset
        if isinstance(self.invitation_ttl_days, Unset):
            invitation_ttl_days = UNSET
        else:
            invitation_ttl_days = self.invitation_ttl_days

        logo_url: None | str | Unset
        if isinstance(self.logo_url, Unset):
            logo_url = UNSET
        else:
            logo_url = self.logo_url

        secondary_color: None | str | Unset
        if isinstance(self.secondary_color, Unset):
            secondary_color = UNSET
        else:
            secondary_color = self.secondary_color

        welcome_message: None | str | Unset
        if isinstance(self.welcome_message, Unset):
            welcome_message = UNSET
        else:
            welcome_message = self.welcome_message

        welcome_video_url: None | str | Unset
        if isinstance(self.welcome_video_url, Unset):
            welcome_video_url = UNSET
        else:
            welcome_video_url = self.welcome_video_url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if accent_color is not UNSET:
            field_dict["accent_color"] = accent_color
        if brand_color is not UNSET:
            field_dict["brand_color"] = brand_color
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if group_creation_policy is not UNSET:
            field_dict["group_creation_policy"] = group_creation_policy
        if invitation_ttl_days is not UNSET:
            field_dict["invitation_ttl_days"] = invitation_ttl_days
        if logo_url is not UNSET:
            field_dict["logo_url"] = logo_url
        if secondary_color is not UNSET:
            field_dict["secondary_color"] = secondary_color
        if welcome_message is not UNSET:
            field_dict["welcome_message"] = welcome_message
        if welcome_video_url is not UNSET:
            field_dict["welcome_video_url"] = welcome_video_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_accent_color(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        accent_color = _parse_accent_color(d.pop("accent_color", UNSET))

        def _parse_brand_color(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        brand_color = _parse_brand_color(d.pop("brand_color", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_group_creation_policy(data: object) -> None | OrganizationChangesGroupCreationPolicyType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                group_creation_policy_type_0 = OrganizationChangesGroupCreationPolicyType0(data)

                return group_creation_policy_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrganizationChangesGroupCreationPolicyType0 | Unset, data)

        group_creation_policy = _parse_group_creation_policy(d.pop("group_creation_policy", UNSET))

        def _parse_invitation_ttl_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        invitation_ttl_days = _parse_invitation_ttl_days(d.pop("invitation_ttl_days", UNSET))

        def _parse_logo_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        logo_url = _parse_logo_url(d.pop("logo_url", UNSET))

        def _parse_secondary_color(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secondary_color = _parse_secondary_color(d.pop("secondary_color", UNSET))

        def _parse_welcome_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        welcome_message = _parse_welcome_message(d.pop("welcome_message", UNSET))

        def _parse_welcome_video_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        welcome_video_url = _parse_welcome_video_url(d.pop("welcome_video_url", UNSET))

        organization_changes = cls(
            accent_color=accent_color,
            brand_color=brand_color,
            display_name=display_name,
            group_creation_policy=group_creation_policy,
            invitation_ttl_days=invitation_ttl_days,
            logo_url=logo_url,
            secondary_color=secondary_color,
            welcome_message=welcome_message,
            welcome_video_url=welcome_video_url,
        )

        return organization_changes
