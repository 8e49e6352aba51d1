from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Module")


@_attrs_define
class Module:
    """
    Attributes:
        description (str):
        disabled_group_ids (list[str]):
        enabled (bool):
        enabled_group_ids (list[str]):
        entitled (bool):
        entitlement (str):
        id (str):
        name (str):
        per_group (bool):
        plans (list[str]):
    """

    description: str
    disabled_group_ids: list[str]
    enabled: bool
    enabled_group_ids: list[str]
    entitled: bool
    entitlement: str
    id: str
    name: str
    per_group: bool
    plans: list[str]

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        disabled_group_ids = self.disabled_group_ids

        enabled = self.enabled

        enabled_group_ids = self.enabled_group_ids

        entitled = self.entitled

        entitlement = self.entitlement

        id = self.id

        name = self.name

        per_group = self.per_group

        plans = self.plans

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "description": description,
                "disabled_group_ids": disabled_group_ids,
                "enabled": enabled,
                "enabled_group_ids": enabled_group_ids,
                "entitled": entitled,
                "entitlement": entitlement,
                "id": id,
                "name": name,
                "per_group": per_group,
                "plans": plans,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description")

        disabled_group_ids = cast(list[str], d.pop("disabled_group_ids"))

        enabled = d.pop("enabled")

        enabled_group_ids = cast(list[str], d.pop("enabled_group_ids"))

        entitled = d.pop("entitled")

        entitlement = d.pop("entitlement")

        id = d.pop("id")

        name = d.pop("name")

        per_group = d.pop("per_group")

        plans = cast(list[str], d.pop("plans"))

        module = cls(
            description=description,
            disabled_group_ids=disabled_group_ids,
            enabled=enabled,
            enabled_group_ids=enabled_group_ids,
            entitled=entitled,
            entitlement=entitlement,
            id=id,
            name=name,
            per_group=per_group,
            plans=plans,
        )

        return module
