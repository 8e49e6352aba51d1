from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MembershipError")


@_attrs_define
class MembershipError:
    """
    Attributes:
        message (str):
        reason (str):
    """

    message: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "message": message,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        reason = d.pop("reason")

        membership_error = cls(
            message=message,
            reason=reason,
        )

        return membership_error
