from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.credit_note import CreditNote


T = TypeVar("T", bound="CreditNoteReply")


@_attrs_define
class CreditNoteReply:
    """
    Attributes:
        credit_note (CreditNote):
    """

    credit_note: CreditNote

    def to_dict(self) -> dict[str, Any]:
        credit_note = self.credit_note.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "credit_note": credit_note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_note import CreditNote  # noqa: PLC0415

        d = dict(src_dict)
        credit_note = CreditNote.from_dict(d.pop("credit_note"))

        credit_note_reply = cls(
            credit_note=credit_note,
        )

        return credit_note_reply
