from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.member import Member


T = TypeVar("T", bound="MemberReply")


@_attrs_define
class MemberReply:
    """
    Attributes:
        member (Member):
    """

    member: Member

    def to_dict(self) -> dict[str, Any]:
        member = self.member.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "member": member,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member import Member  # noqa: PLC0415

        d = dict(src_dict)
        member = Member.from_dict(d.pop("member"))

        member_reply = cls(
            member=member,
        )

        return member_reply
