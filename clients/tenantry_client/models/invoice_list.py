from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.invoice import Invoice


T = TypeVar("T", bound="InvoiceList")


@_attrs_define
class InvoiceList:
    """
    Attributes:
        invoices (list[Invoice]):
        next_page_token (str): empty on the last page
    """

    invoices: list[Invoice]
    next_page_token: str

    def to_dict(self) -> dict[str, Any]:
        invoices = []
        for invoices_item_data in self.invoices:
            invoices_item = invoices_item_data.to_dict()
            invoices.append(invoices_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "invoices": invoices,
                "next_page_token": next_page_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice import Invoice  # noqa: PLC0415

        d = dict(src_dict)
        invoices = []
        _invoices = d.pop("invoices")
        for invoices_item_data in _invoices:
            invoices_item = Invoice.from_dict(invoices_item_data)

            invoices.append(invoices_item)

        next_page_token = d.pop("next_page_token")

        invoice_list = cls(
            invoices=invoices,
            next_page_token=next_page_token,
        )

        return invoice_list
