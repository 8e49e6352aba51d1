from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.log_stream_format import LogStreamFormat
from ..models.log_stream_status import LogStreamStatus

T = TypeVar("T", bound="LogStream")


@_attrs_define
class LogStream:
    """
    Attributes:
        attempts (int): Failed attempts since the last acknowledged batch.
        create_time (datetime.datetime | None):
        cursor (int): Last sequence of the organization's log the destination acknowledged.
        failing_since (datetime.datetime | None):
        format_ (LogStreamFormat): What the destination expects: signed webhook, Splunk HEC or Datadog.
        id (str):
        lag (int): Entries of the log not yet acknowledged.
        last_delivery_time (datetime.datetime | None):
        last_error (str): Why the last attempt failed; empty when none failed.
        name (str):
        next_attempt_time (datetime.datetime | None):
        previous_secret_expire_time (datetime.datetime | None): Until when the secret replaced by the last rotation
            still signs; null when none.
        status (LogStreamStatus): failing: parked after 72 hours of failed deliveries, until resumed.
        update_time (datetime.datetime | None):
        url (str):
    """

    attempts: int
    create_time: datetime.datetime | None
    cursor: int
    failing_since: datetime.datetime | None
    format_: LogStreamFormat
    id: str
    lag: int
    last_delivery_time: datetime.datetime | None
    last_error: str
    name: str
    next_attempt_time: datetime.datetime | None
    previous_secret_expire_time: datetime.datetime | None
    status: LogStreamStatus
    update_time: datetime.datetime | None
    url: str

    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        cursor = self.cursor

        failing_since: None | str
        if isinstance(self.failing_since, datetime.datetime):
            failing_since = self.failing_since.isoformat()
        else:
            failing_since = self.failing_since

        format_ = self.format_.value

        id = self.id

        lag = self.lag

        last_delivery_time: None | str
        if isinstance(self.last_delivery_time, datetime.datetime):
            last_delivery_time = self.last_delivery_time.isoformat()
        else:
            last_delivery_time = self.last_delivery_time

        last_error = self.last_error

        name = self.name

        next_attempt_time: None | str
        if isinstance(self.next_attempt_time, datetime.datetime):
            next_attempt_time = self.next_attempt_time.isoformat()
        else:
            next_attempt_time = self.next_attempt_time

        previous_secret_expire_time: None | str
        if isinstance(self.previous_secret_expire_time, datetime.datetime):
            previous_secret_expire_time = self.previous_secret_expire_time.isoformat()
        else:
            previous_secret_expire_time = self.previous_secret_expire_time

        status = self.status.value

        update_time: None | str
        if isinstance(self.update_time, datetime.datetime):
            update_time = self.update_time.isoformat()
        else:
            update_time = self.update_time

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "attempts": attempts,
                "create_time": create_time,
                "cursor": cursor,
                "failing_since": failing_since,
                "format": format_,
                "id": id,
                "lag": lag,
                "last_delivery_time": last_delivery_time,
                "last_error": last_error,
                "name": name,
                "next_attempt_time": next_attempt_time,
                "previous_secret_expire_time": previous_secret_expire_time,
                "status": status,
                "update_time": update_time,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        def _parse_create_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                create_time_type_0 = datetime.datetime.fromisoformat(data)

                return create_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        create_time = _parse_create_time(d.pop("create_time"))

        cursor = d.pop("cursor")

        def _parse_failing_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                failing_since_type_0 = datetime.datetime.fromisoformat(data)

                return failing_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        failing_since = _parse_failing_since(d.pop("failing_since"))

        format_ = LogStreamFormat(d.pop("format"))

        id = d.pop("id")

        lag = d.pop("lag")

        def _parse_last_delivery_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_delivery_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_delivery_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_delivery_time = _parse_last_delivery_time(d.pop("last_delivery_time"))

        last_error = d.pop("last_error")

        name = d.pop("name")

        def _parse_next_attempt_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_time_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_time = _parse_next_attempt_time(d.pop("next_attempt_time"))

        def _parse_previous_secret_expire_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_secret_expire_time_type_0 = datetime.datetime.fromisoformat(data)

                return previous_secret_expire_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        previous_secret_expire_time = _parse_previous_secret_expire_time(d.pop("previous_secret_expire_time"))

        status = LogStreamStatus(d.pop("status"))

        def _parse_update_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                update_time_type_0 = datetime.datetime.fromisoformat(data)

                return update_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        update_time = _parse_update_time(d.pop("update_time"))

        url = d.pop("url")

        log_stream = cls(
            attempts=attempts,
            create_time=create_time,
            cursor=cursor,
            failing_since=failing_since,
            format_=format_,
            id=id,
            lag=lag,
            last_delivery_time=last_delivery_time,
            last_error=last_error,
            name=name,
            next_attempt_time=next_attempt_time,
            previous_secret_expire_time=previous_secret_expire_time,
            status=status,
            update_time=update_time,
            url=url,
        )

        return log_stream
