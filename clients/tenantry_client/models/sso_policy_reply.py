from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sso_policy import SsoPolicy


T = TypeVar("T", bound="SsoPolicyReply")


@_attrs_define
class SsoPolicyReply:
    """
    Attributes:
        policy (SsoPolicy):
        ended_sessions (int | Unset): password sessions ended by this change Default: 0.
    """

    policy: SsoPolicy
    ended_sessions: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        policy = self.policy.to_dict()

        ended_sessions = self.ended_sessions

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "policy": policy,
            }
        )
        if ended_sessions is not UNSET:
            field_dict["ended_sessions"] = ended_sessions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sso_policy import SsoPolicy  # noqa: PLC0415

        d = dict(src_dict)
        policy = SsoPolicy.from_dict(d.pop("policy"))

        ended_sessions = d.pop("ended_sessions", UNSET)

        sso_policy_reply = cls(
            policy=policy,
            ended_sessions=ended_sessions,
        )

        return sso_policy_reply
