from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.money import Money


T = TypeVar("T", bound="Payment")


@_attrs_define
class Payment:
    """
    Attributes:
        amount (Money):
        attempt_time (datetime.datetime | None):
        failure_reason (str):
        id (str):
        invoice_id (str):
        method (str):
        reference (str):
        status (str):
    """

    amount: Money
    attempt_time: datetime.datetime | None
    failure_reason: str
    id: str
    invoice_id: str
    method: str
    reference: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount.to_dict()

        attempt_time: None | str
        if isinstance(self.attempt_time, datetime.datetime):
            attempt_time = self.attempt_time.isoformat()
        else:
            attempt_time = self.attempt_time

        failure_reason = self.failure_reason

        id = self.id

        invoice_id = self.invoice_id

        method = self.method

        reference = self.reference

        status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "attempt_time": attempt_time,
                "failure_reason": failure_reason,
                "id": id,
                "invoice_id": invoice_id,
                "method": method,
                "reference": reference,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money import Money  # noqa: PLC0415

        d = dict(src_dict)
        amount = Money.from_dict(d.pop("amount"))

        def _parse_attempt_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                attempt_time_type_0 = datetime.datetime.fromisoformat(data)

                return attempt_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        attempt_time = _parse_attempt_time(d.pop("attempt_time"))

        failure_reason = d.pop("failure_reason")

        id = d.pop("id")

        invoice_id = d.pop("invoice_id")

        method = d.pop("method")

        reference = d.pop("reference")

        status = d.pop("status")

        payment = cls(
            amount=amount,
            attempt_time=attempt_time,
            failure_reason=failure_reason,
            id=id,
            invoice_id=invoice_id,
            method=method,
            reference=reference,
            status=status,
        )

        return payment
