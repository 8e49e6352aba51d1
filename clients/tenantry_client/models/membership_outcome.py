from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.membership_error import MembershipError


T = TypeVar("T", bound="MembershipOutcome")


@_attrs_define
class MembershipOutcome:
    """
    Attributes:
        error (MembershipError | None):
        group_id (str):
        member_id (str):
    """

    error: MembershipError | None
    group_id: str
    member_id: str

    def to_dict(self) -> dict[str, Any]:
        from ..models.membership_error import MembershipError  # noqa: PLC0415

        error: dict[str, Any] | None
        if isinstance(self.error, MembershipError):
            error = self.error.to_dict()
        else:
            error = self.error

        group_id = self.group_id

        member_id = self.member_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
                "group_id": group_id,
                "member_id": member_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.membership_error import MembershipError  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_error(data: object) -> MembershipError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = MembershipError.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MembershipError | None, data)

        error = _parse_error(d.pop("error"))

        group_id = d.pop("group_id")

        member_id = d.pop("member_id")

        membership_outcome = cls(
            error=error,
            group_id=group_id,
            member_id=member_id,
        )

        return membership_outcome
