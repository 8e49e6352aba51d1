from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SsoPolicy")


@_attrs_define
class SsoPolicy:
    """
    Attributes:
        break_glass_account_ids (list[str]):
        etag (str):
        sso_required (bool):
    """

    break_glass_account_ids: list[str]
    etag: str
    sso_required: bool

    def to_dict(self) -> dict[str, Any]:
        break_glass_account_ids = self.break_glass_account_ids

        etag = self.etag

        sso_required = self.sso_required

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "break_glass_account_ids": break_glass_account_ids,
                "etag": etag,
                "sso_required": sso_required,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        break_glass_account_ids = cast(list[str], d.pop("break_glass_account_ids"))

        etag = d.pop("etag")

        sso_required = d.pop("sso_required")

        sso_policy = cls(
            break_glass_account_ids=break_glass_account_ids,
            etag=etag,
            sso_required=sso_required,
        )

        return sso_policy
