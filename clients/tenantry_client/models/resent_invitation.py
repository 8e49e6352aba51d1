from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.member import Member


T = TypeVar("T", bound="ResentInvitation")


@_attrs_define
class ResentInvitation:
    """
    Attributes:
        expire_time (datetime.datetime | None):
        member (Member):
    """

    expire_time: datetime.datetime | None
    member: Member

    def to_dict(self) -> dict[str, Any]:
        expire_time: None | str
        if isinstance(self.expire_time, datetime.datetime):
            expire_time = self.expire_time.isoformat()
        else:
            expire_time = self.expire_time

        member = self.member.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "expire_time": expire_time,
                "member": member,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member import Member  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_expire_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expire_time_type_0 = datetime.datetime.fromisoformat(data)

                return expire_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expire_time = _parse_expire_time(d.pop("expire_time"))

        member = Member.from_dict(d.pop("member"))

        resent_invitation = cls(
            expire_time=expire_time,
            member=member,
        )

        return resent_invitation
