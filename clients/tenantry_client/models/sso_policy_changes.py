from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SsoPolicyChanges")


@_attrs_define
class SsoPolicyChanges:
    """Only the fields sent change. While SSO is required, at least one break-glass Owner keeps a password.

    Attributes:
        break_glass_account_ids (list[str] | None | Unset):
        sso_required (bool | None | Unset):
    """

    break_glass_account_ids: list[str] | None | Unset = UNSET
    sso_required: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        break_glass_account_ids: list[str] | None | Unset
        if isinstance(self.break_glass_account_ids, Unset):
            break_glass_account_ids = UNSET
        elif isinstance(self.break_glass_account_ids, list):
            break_glass_account_ids = self.break_glass_account_ids

        else:
            break_glass_account_ids = self.break_glass_account_ids

        sso_required: bool | None | Unset
        if isinstance(self.sso_required, Unset):
            sso_required = UNSET
        else:
            sso_required = self.sso_required

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if break_glass_account_ids is not UNSET:
            field_dict["break_glass_account_ids"] = break_glass_account_ids
        if sso_required is not UNSET:
            field_dict["sso_required"] = sso_required

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_break_glass_account_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                break_glass_account_ids_type_0 = cast(list[str], data)

                return break_glass_account_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        break_glass_account_ids = _parse_break_glass_account_ids(d.pop("break_glass_account_ids", UNSET))

        def _parse_sso_required(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        sso_required = _parse_sso_required(d.pop("sso_required", UNSET))

        sso_policy_changes = cls(
            break_glass_account_ids=break_glass_account_ids,
            sso_required=sso_required,
        )

        return sso_policy_changes
