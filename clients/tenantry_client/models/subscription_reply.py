from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.subscription import Subscription


T = TypeVar("T", bound="SubscriptionReply")


@_attrs_define
class SubscriptionReply:
    """
    Attributes:
        subscription (Subscription):
    """

    subscription: Subscription

    def to_dict(self) -> dict[str, Any]:
        subscription = self.subscription.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "subscription": subscription,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscription import Subscription  # noqa: PLC0415

        d = dict(src_dict)
        subscription = Subscription.from_dict(d.pop("subscription"))

        subscription_reply = cls(
            subscription=subscription,
        )

        return subscription_reply
