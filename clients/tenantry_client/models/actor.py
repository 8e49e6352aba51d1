from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Actor")


@_attrs_define
class Actor:
    """
    Attributes:
        display (str):
        id (str):
        ip_address (str):
        type_ (str):
        user_agent (str):
    """

    display: str
    id: str
    ip_address: str
    type_: str
    user_agent: str

    def to_dict(self) -> dict[str, Any]:
        display = self.display

        id = self.id

        ip_address = self.ip_address

        type_ = self.type_

        user_agent = self.user_agent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "display": display,
                "id": id,
                "ip_address": ip_address,
                "type": type_,
                "user_agent": user_agent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display = d.pop("display")

        id = d.pop("id")

        ip_address = d.pop("ip_address")

        type_ = d.pop("type")

        user_agent = d.pop("user_agent")

        actor = cls(
            display=display,
            id=id,
            ip_address=ip_address,
            type_=type_,
            user_agent=user_agent,
        )

        return actor
