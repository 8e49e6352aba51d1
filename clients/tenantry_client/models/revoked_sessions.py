from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RevokedSessions")


@_attrs_define
class RevokedSessions:
    """
    Attributes:
        revoked_count (int):
    """

    revoked_count: int

    def to_dict(self) -> dict[str, Any]:
        revoked_count = self.revoked_count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "revoked_count": revoked_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        revoked_count = d.pop("revoked_count")

        revoked_sessions = cls(
            revoked_count=revoked_count,
        )

        return revoked_sessions
