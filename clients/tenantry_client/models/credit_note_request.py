from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CreditNoteRequest")


@_attrs_define
class CreditNoteRequest:
    """
    Attributes:
        amount_minor (int): before tax, at the invoice's tax rate
        reason (str):
    """

    amount_minor: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount_minor": amount_minor,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        reason = d.pop("reason")

        credit_note_request = cls(
            amount_minor=amount_minor,
            reason=reason,
        )

        return credit_note_request
