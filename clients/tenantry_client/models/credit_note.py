from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.money import Money


T = TypeVar("T", bound="CreditNote")


@_attrs_define
class CreditNote:
    """
    Attributes:
        id (str):
        invoice_id (str):
        invoice_number (str):
        issue_time (datetime.datetime | None):
        number (str):
        reason (str):
        subtotal (Money):
        tax (Money):
        tax_rate_basis_points (int):
        total (Money):
    """

    id: str
    invoice_id: str
    invoice_number: str
    issue_time: datetime.datetime | None
    number: str
    reason: str
    subtotal: Money
    tax: Money
    tax_rate_basis_points: int
    total: Money

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        invoice_id = self.invoice_id

        invoice_number = self.invoice_number

        issue_time: None | str
        if isinstance(self.issue_time, datetime.datetime):
            issue_time = self.issue_time.isoformat()
        else:
            issue_time = self.issue_time

        number = self.number

        reason = self.reason

        subtotal = self.subtotal.to_dict()

        tax = self.tax.to_dict()

        tax_rate_basis_points = self.tax_rate_basis_points

        total = self.total.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "invoice_id": invoice_id,
                "invoice_number": invoice_number,
                "issue_time": issue_time,
                "number": number,
                "reason": reason,
                "subtotal": subtotal,
                "tax": tax,
                "tax_rate_basis_points": tax_rate_basis_points,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money import Money  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        invoice_id = d.pop("invoice_id")

        invoice_number = d.pop("invoice_number")

        def _parse_issue_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issue_time_type_0 = datetime.datetime.fromisoformat(data)

                return issue_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        issue_time = _parse_issue_time(d.pop("issue_time"))

        number = d.pop("number")

        reason = d.pop("reason")

        subtotal = Money.from_dict(d.pop("subtotal"))

        tax = Money.from_dict(d.pop("tax"))

        tax_rate_basis_points = d.pop("tax_rate_basis_points")

        total = Money.from_dict(d.pop("total"))

        credit_note = cls(
            id=id,
            invoice_id=invoice_id,
            invoice_number=invoice_number,
            issue_time=issue_time,
            number=number,
            reason=reason,
            subtotal=subtotal,
            tax=tax,
            tax_rate_basis_points=tax_rate_basis_points,
            total=total,
        )

        return credit_note
