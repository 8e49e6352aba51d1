from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.security_policy import SecurityPolicy


T = TypeVar("T", bound="SecurityPolicyReply")


@_attrs_define
class SecurityPolicyReply:
    """
    Attributes:
        policy (SecurityPolicy):
    """

    policy: SecurityPolicy

    def to_dict(self) -> dict[str, Any]:
        policy = self.policy.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "policy": policy,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.security_policy import SecurityPolicy  # noqa: PLC0415

        d = dict(src_dict)
        policy = SecurityPolicy.from_dict(d.pop("policy"))

        security_policy_reply = cls(
            policy=policy,
        )

        return security_policy_reply
