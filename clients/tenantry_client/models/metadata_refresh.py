from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="MetadataRefresh")


@_attrs_define
class MetadataRefresh:
    """The scheduled refresh of metadata imported from metadata_url; after a failure the last good one holds.

    Attributes:
        last_error (str): empty once a refresh succeeds again
        last_failure_time (datetime.datetime | None):
        last_success_time (datetime.datetime | None):
    """

    last_error: str
    last_failure_time: datetime.datetime | None
    last_success_time: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        last_error = self.last_error

        last_failure_time: None | str
        if isinstance(self.last_failure_time, datetime.datetime):
            last_failure_time = self.last_failure_time.isoformat()
        else:
            last_failure_time = self.last_failure_time

        last_success_time: None | str
        if isinstance(self.last_success_time, datetime.datetime):
            last_success_time = self.last_success_time.isoformat()
        else:
            last_success_time = self.last_success_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "last_error": last_error,
                "last_failure_time": last_failure_time,
                "last_success_time": last_success_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        last_error = d.pop("last_error")

        def _parse_last_failure_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_failure_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_failure_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_failure_time = _parse_last_failure_time(d.pop("last_failure_time"))

        def _parse_last_success_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_success_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_success_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_success_time = _parse_last_success_time(d.pop("last_success_time"))

        metadata_refresh = cls(
            last_error=last_error,
            last_failure_time=last_failure_time,
            last_success_time=last_success_time,
        )

        return metadata_refresh
