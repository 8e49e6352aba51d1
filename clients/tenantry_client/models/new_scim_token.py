from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewScimToken")


@_attrs_define
class NewScimToken:
    """
    Attributes:
        name (str): e.g. "Okta"
        expire_time (datetime.datetime | None | Unset):
    """

    name: str
    expire_time: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        expire_time: None | str | Unset
        if isinstance(self.expire_time, Unset):
            expire_time = UNSET
        elif isinstance(self.expire_time, datetime.datetime):
            expire_time = self.expire_time.isoformat()
        else:
            expire_time = self.expire_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if expire_time is not UNSET:
            field_dict["expire_time"] = expire_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_expire_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expire_time_type_0 = datetime.datetime.fromisoformat(data)

                return expire_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expire_time = _parse_expire_time(d.pop("expire_time", UNSET))

        new_scim_token = cls(
            name=name,
            expire_time=expire_time,
        )

        return new_scim_token
