from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.billing_profile import BillingProfile
    from ..models.invoice_line import InvoiceLine
    from ..models.money import Money


T = TypeVar("T", bound="Invoice")


@_attrs_define
class Invoice:
    """
    Attributes:
        billing_profile (BillingProfile):
        id (None | str): absent on a preview of the upcoming invoice
        issue_time (datetime.datetime | None):
        lines (list[InvoiceLine]):
        number (None | str): absent on a preview of the upcoming invoice
        paid_time (datetime.datetime | None):
        period_end (datetime.datetime | None):
        period_start (datetime.datetime | None):
        reason (str):
        status (str):
        subtotal (Money):
        tax (Money):
        tax_rate_basis_points (int):
        total (Money):
    """

    billing_profile: BillingProfile
    id: None | str
    issue_time: datetime.datetime | None
    lines: list[InvoiceLine]
    number: None | str
    paid_time: datetime.datetime | None
    period_end: datetime.datetime | None
    period_start: datetime.datetime | None
    reason: str
    status: str
    subtotal: Money
    tax: Money
    tax_rate_basis_points: int
    total: Money

    def to_dict(self) -> dict[str, Any]:
        billing_profile = self.billing_profile.to_dict()

        id: None | str
        id = self.id

        issue_time: None | str
        if isinstance(self.issue_time, datetime.datetime):
            issue_time = self.issue_time.isoformat()
        else:
            issue_time = self.issue_time

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        number: None | str
        number = self.number

        paid_time: None | str
        if isinstance(self.paid_time, datetime.datetime):
            paid_time = self.paid_time.isoformat()
        else:
            paid_time = self.paid_time

        period_end: None | str
        if isinstance(self.period_end, datetime.datetime):
            period_end = self.period_end.isoformat()
        else:
            period_end = self.period_end

        period_start: None | str
        if isinstance(self.period_start, datetime.datetime):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        reason = self.reason

        status = self.status

        subtotal = self.subtotal.to_dict()

        tax = self.tax.to_dict()

        tax_rate_basis_points = self.tax_rate_basis_points

        total = self.total.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "billing_profile": billing_profile,
                "id": id,
                "issue_time": issue_time,
                "lines": lines,
                "number": number,
                "paid_time": paid_time,
                "period_end": period_end,
                "period_start": period_start,
                "reason": reason,
                "status": status,
                "subtotal": subtotal,
                "tax": tax,
                "tax_rate_basis_points": tax_rate_basis_points,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.billing_profile import BillingProfile  # noqa: PLC0415
        from ..models.invoice_line import InvoiceLine  # noqa: PLC0415
        from ..models.money import Money  # noqa: PLC0415

        d = dict(src_dict)
        billing_profile = BillingProfile.from_dict(d.pop("billing_profile"))

        def _parse_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        id = _parse_id(d.pop("id"))

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

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = InvoiceLine.from_dict(lines_item_data)

            lines.append(lines_item)

        def _parse_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        number = _parse_number(d.pop("number"))

        def _parse_paid_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_time_type_0 = datetime.datetime.fromisoformat(data)

                return paid_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_time = _parse_paid_time(d.pop("paid_time"))

        def _parse_period_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_end_type_0 = datetime.datetime.fromisoformat(data)

                return period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_end = _parse_period_end(d.pop("period_end"))

        def _parse_period_start(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.datetime.fromisoformat(data)

                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_start = _parse_period_start(d.pop("period_start"))

        reason = d.pop("reason")

        status = d.pop("status")

        subtotal = Money.from_dict(d.pop("subtotal"))

        tax = Money.from_dict(d.pop("tax"))

        tax_rate_basis_points = d.pop("tax_rate_basis_points")

        total = Money.from_dict(d.pop("total"))

        invoice = cls(
            billing_profile=billing_profile,
            id=id,
            issue_time=issue_time,
            lines=lines,
            number=number,
            paid_time=paid_time,
            period_end=period_end,
            period_start=period_start,
            reason=reason,
            status=status,
            subtotal=subtotal,
            tax=tax,
            tax_rate_basis_points=tax_rate_basis_points,
            total=total,
        )

        return invoice
