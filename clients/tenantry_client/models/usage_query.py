from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageQuery")


@_attrs_define
class UsageQuery:
    """
    Attributes:
        end_day (datetime.date | None | Unset): Last day (UTC), included; today when absent.
        member_id (None | str | Unset):
        start_day (datetime.date | None | Unset): First day (UTC); 29 days before end_day when absent.
    """

    end_day: datetime.date | None | Unset = UNSET
    member_id: None | str | Unset = UNSET
    start_day: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        end_day: None | str | Unset
        if isinstance(self.end_day, Unset):
            end_day = UNSET
        elif isinstance(self.end_day, datetime.date):
            end_day = self.end_day.isoformat()
        else:
            end_day = self.end_day

        member_id: None | str | Unset
        if isinstance(self.member_id, Unset):
            member_id = UNSET
        else:
            member_id = self.member_id

        start_day: None | str | Unset
        if isinstance(self.start_day, Unset):
            start_day = UNSET
        elif isinstance(self.start_day, datetime.date):
            start_day = self.start_day.isoformat()
        else:
            start_day = self.start_day

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if end_day is not UNSET:
            field_dict["end_day"] = end_day
        if member_id is not UNSET:
            field_dict["member_id"] = member_id
        if start_day is not UNSET:
            field_dict["start_day"] = start_day

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_end_day(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_day_type_0 = datetime.date.fromisoformat(data)

                return end_day_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        end_day = _parse_end_day(d.pop("end_day", UNSET))

        def _parse_member_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        member_id = _parse_member_id(d.pop("member_id", UNSET))

        def _parse_start_day(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_day_type_0 = datetime.date.fromisoformat(data)

                return start_day_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        start_day = _parse_start_day(d.pop("start_day", UNSET))

        usage_query = cls(
            end_day=end_day,
            member_id=member_id,
            start_day=start_day,
        )

        usage_query.additional_properties = d
        return usage_query

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
