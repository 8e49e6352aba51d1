from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.invitee import Invitee


T = TypeVar("T", bound="Invitation")


@_attrs_define
class Invitation:
    """
    Attributes:
        invitees (list[Invitee]):
    """

    invitees: list[Invitee]

    def to_dict(self) -> dict[str, Any]:
        invitees = []
        for invitees_item_data in self.invitees:
            invitees_item = invitees_item_data.to_dict()
            invitees.append(invitees_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "invitees": invitees,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invitee import Invitee  # noqa: PLC0415

        d = dict(src_dict)
        invitees = []
        _invitees = d.pop("invitees")
        for invitees_item_data in _invitees:
            invitees_item = Invitee.from_dict(invitees_item_data)

            invitees.append(invitees_item)

        invitation = cls(
            invitees=invitees,
        )

        return invitation
