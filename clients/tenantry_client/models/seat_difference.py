from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SeatDifference")


@_attrs_define
class SeatDifference:
    """
    Attributes:
        billing_status (None | str):
        kind (str):
        member_id (str):
        membership_status (None | str):
    """

    billing_status: None | str
    kind: str
    member_id: str
    membership_status: None | str

    def to_dict(self) -> dict[str, Any]:
        billing_status: None | str
        billing_status = self.billing_status

        kind = self.kind

        member_id = self.member_id

        membership_status: None | str
        membership_status = self.membership_status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "billing_status": billing_status,
                "kind": kind,
                "member_id": member_id,
                "membership_status": membership_status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_billing_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        billing_status = _parse_billing_status(d.pop("billing_status"))

        kind = d.pop("kind")

        member_id = d.pop("member_id")

        def _parse_membership_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        membership_status = _parse_membership_status(d.pop("membership_status"))

        seat_difference = cls(
            billing_status=billing_status,
            kind=kind,
            member_id=member_id,
            membership_status=membership_status,
        )

        return seat_difference
