from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.subscription_status import SubscriptionStatus

if TYPE_CHECKING:
    from ..models.billing_profile import BillingProfile
    from ..models.payment_method import PaymentMethod


T = TypeVar("T", bound="Subscription")


@_attrs_define
class Subscription:
    """
    Attributes:
        billing_profile (BillingProfile):
        cancel_at_period_end (bool):
        cancel_time (datetime.datetime | None):
        current_period_end (datetime.datetime | None):
        current_period_start (datetime.datetime | None):
        failed_payment_attempts (int):
        next_payment_attempt_time (datetime.datetime | None):
        organization_id (str):
        payment_method (PaymentMethod):
        plan_at_renewal (None | str):
        plan_id (str):
        seats_at_renewal (int | None): a reduction scheduled for the next renewal
        seats_purchased (int):
        status (SubscriptionStatus):
        version (int):
    """

    billing_profile: BillingProfile
    cancel_at_period_end: bool
    cancel_time: datetime.datetime | None
    current_period_end: datetime.datetime | None
    current_period_start: datetime.datetime | None
    failed_payment_attempts: int
    next_payment_attempt_time: datetime.datetime | None
    organization_id: str
    payment_method: PaymentMethod
    plan_at_renewal: None | str
    plan_id: str
    seats_at_renewal: int | None
    seats_purchased: int
    status: SubscriptionStatus
    version: int

    def to_dict(self) -> dict[str, Any]:
        billing_profile = self.billing_profile.to_dict()

        cancel_at_period_end = self.cancel_at_period_end

        cancel_time: None | str
        if isinstance(self.cancel_time, datetime.datetime):
            cancel_time = self.cancel_time.isoformat()
        else:
            cancel_time = self.cancel_time

        current_period_end: None | str
        if isinstance(self.current_period_end, datetime.datetime):
            current_period_end = self.current_period_end.isoformat()
        else:
            current_period_end = self.current_period_end

        current_period_start: None | str
        if isinstance(self.current_period_start, datetime.datetime):
            current_period_start = self.current_period_start.isoformat()
        else:
            current_period_start = self.current_period_start

        failed_payment_attempts = self.failed_payment_attempts

        next_payment_attempt_time: None | str
        if isinstance(self.next_payment_attempt_time, datetime.datetime):
            next_payment_attempt_time = self.next_payment_attempt_time.isoformat()
        else:
            next_payment_attempt_time = self.next_payment_attempt_time

        organization_id = self.organization_id

        payment_method = self.payment_method.to_dict()

        plan_at_renewal: None | str
        plan_at_renewal = self.plan_at_renewal

        plan_id = self.plan_id

        seats_at_renewal: int | None
        seats_at_renewal = self.seats_at_renewal

        seats_purchased = self.seats_purchased

        status = self.status.value

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "billing_profile": billing_profile,
                "cancel_at_period_end": cancel_at_period_end,
                "cancel_time": cancel_time,
                "current_period_end": current_period_end,
                "current_period_start": current_period_start,
                "failed_payment_attempts": failed_payment_attempts,
                "next_payment_attempt_time": next_payment_attempt_time,
                "organization_id": organization_id,
                "payment_method": payment_method,
                "plan_at_renewal": plan_at_renewal,
                "plan_id": plan_id,
                "seats_at_renewal": seats_at_renewal,
                "seats_purchased": seats_purchased,
                "status": status,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.billing_profile import BillingProfile  # noqa: PLC0415
        from ..models.payment_method import PaymentMethod  # noqa: PLC0415

        d = dict(src_dict)
        billing_profile = BillingProfile.from_dict(d.pop("billing_profile"))

        cancel_at_period_end = d.pop("cancel_at_period_end")

        def _parse_cancel_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancel_time_type_0 = datetime.datetime.fromisoformat(data)

                return cancel_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancel_time = _parse_cancel_time(d.pop("cancel_time"))

        def _parse_current_period_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_period_end_type_0 = datetime.datetime.fromisoformat(data)

                return current_period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        current_period_end = _parse_current_period_end(d.pop("current_period_end"))

        def _parse_current_period_start(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_period_start_type_0 = datetime.datetime.fromisoformat(data)

                return current_period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        current_period_start = _parse_current_period_start(d.pop("current_period_start"))

        failed_payment_attempts = d.pop("failed_payment_attempts")

        def _parse_next_payment_attempt_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_payment_attempt_time_type_0 = datetime.datetime.fromisoformat(data)

                return next_payment_attempt_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_payment_attempt_time = _parse_next_payment_attempt_time(d.pop("next_payment_attempt_time"))

        organization_id = d.pop("organization_id")

        payment_method = PaymentMethod.from_dict(d.pop("payment_method"))

        def _parse_plan_at_renewal(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan_at_renewal = _parse_plan_at_renewal(d.pop("plan_at_renewal"))

        plan_id = d.pop("plan_id")

        def _parse_seats_at_renewal(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seats_at_renewal = _parse_seats_at_renewal(d.pop("seats_at_renewal"))

        seats_purchased = d.pop("seats_purchased")

        status = SubscriptionStatus(d.pop("status"))

        version = d.pop("version")

        subscription = cls(
            billing_profile=billing_profile,
            cancel_at_period_end=cancel_at_period_end,
            cancel_time=cancel_time,
            current_period_end=current_period_end,
            current_period_start=current_period_start,
            failed_payment_attempts=failed_payment_attempts,
            next_payment_attempt_time=next_payment_attempt_time,
            organization_id=organization_id,
            payment_method=payment_method,
            plan_at_renewal=plan_at_renewal,
            plan_id=plan_id,
            seats_at_renewal=seats_at_renewal,
            seats_purchased=seats_purchased,
            status=status,
            version=version,
        )

        return subscription
