from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScimProvisioningSettingsReply")


@_attrs_define
class ScimProvisioningSettingsReply:
    """
    Attributes:
        auto_purchase_seats (bool):
        dry_run (bool):
        max_seats (int):
    """

    auto_purchase_seats: bool
    dry_run: bool
    max_seats: int

    def to_dict(self) -> dict[str, Any]:
        auto_purchase_seats = self.auto_purchase_seats

        dry_run = self.dry_run

        max_seats = self.max_seats

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "auto_purchase_seats": auto_purchase_seats,
                "dry_run": dry_run,
                "max_seats": max_seats,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        auto_purchase_seats = d.pop("auto_purchase_seats")

        dry_run = d.pop("dry_run")

        max_seats = d.pop("max_seats")

        scim_provisioning_settings_reply = cls(
            auto_purchase_seats=auto_purchase_seats,
            dry_run=dry_run,
            max_seats=max_seats,
        )

        return scim_provisioning_settings_reply
