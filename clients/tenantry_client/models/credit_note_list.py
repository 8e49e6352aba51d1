from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.credit_note import CreditNote


T = TypeVar("T", bound="CreditNoteList")


@_attrs_define
class CreditNoteList:
    """
    Attributes:
        credit_notes (list[CreditNote]):
        next_page_token (str): empty on the last page
    """

    credit_notes: list[CreditNote]
    next_page_token: str

    def to_dict(self) -> dict[str, Any]:
        credit_notes = []
        for credit_notes_item_data in self.credit_notes:
            credit_notes_item = credit_notes_item_data.to_dict()
            credit_notes.append(credit_notes_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "credit_notes": credit_notes,
                "next_page_token": next_page_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_note import CreditNote  # noqa: PLC0415

        d = dict(src_dict)
        credit_notes = []
        _credit_notes = d.pop("credit_notes")
        for credit_notes_item_data in _credit_notes:
            credit_notes_item = CreditNote.from_dict(credit_notes_item_data)

            credit_notes.append(credit_notes_item)

        next_page_token = d.pop("next_page_token")

        credit_note_list = cls(
            credit_notes=credit_notes,
            next_page_token=next_page_token,
        )

        return credit_note_list
