from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PasswordChanged")


@_attrs_define
class PasswordChanged:
    """
    Attributes:
        revoked_session_count (int):
    """

    revoked_session_count: int

    def to_dict(self) -> dict[str, Any]:
        revoked_session_count = self.revoked_session_count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "revoked_session_count": revoked_session_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        revoked_session_count = d.pop("revoked_session_count")

        password_changed = cls(
            revoked_session_count=revoked_session_count,
        )

        return password_changed
