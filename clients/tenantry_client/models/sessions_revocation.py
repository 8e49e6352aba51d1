from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SessionsRevocation")


@_attrs_define
class SessionsRevocation:
    """
    Attributes:
        account_id (str | Unset): a member's account; empty: your own Default: ''.
        keep_current (bool | Unset):  Default: False.
    """

    account_id: str | Unset = ""
    keep_current: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        keep_current = self.keep_current

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if account_id is not UNSET:
            field_dict["account_id"] = account_id
        if keep_current is not UNSET:
            field_dict["keep_current"] = keep_current

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id", UNSET)

        keep_current = d.pop("keep_current", UNSET)

        sessions_revocation = cls(
            account_id=account_id,
            keep_current=keep_current,
        )

        return sessions_revocation
