from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.held_scim_change_action import HeldScimChangeAction

T = TypeVar("T", bound="HeldScimChange")


@_attrs_define
class HeldScimChange:
    """
    Attributes:
        action (HeldScimChangeAction):
        held_at (datetime.datetime):
        id (str):
        member_id (str):
        requested_by (str):
    """

    action: HeldScimChangeAction
    held_at: datetime.datetime
    id: str
    member_id: str
    requested_by: str

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        held_at = self.held_at.isoformat()

        id = self.id

        member_id = self.member_id

        requested_by = self.requested_by

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "held_at": held_at,
                "id": id,
                "member_id": member_id,
                "requested_by": requested_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = HeldScimChangeAction(d.pop("action"))

        held_at = datetime.datetime.fromisoformat(d.pop("held_at"))

        id = d.pop("id")

        member_id = d.pop("member_id")

        requested_by = d.pop("requested_by")

        held_scim_change = cls(
            action=action,
            held_at=held_at,
            id=id,
            member_id=member_id,
            requested_by=requested_by,
        )

        return held_scim_change
