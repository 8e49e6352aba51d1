from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.log_stream import LogStream


T = TypeVar("T", bound="LogStreamList")


@_attrs_define
class LogStreamList:
    """
    Attributes:
        log_streams (list[LogStream]):
    """

    log_streams: list[LogStream]

    def to_dict(self) -> dict[str, Any]:
        log_streams = []
        for log_streams_item_data in self.log_streams:
            log_streams_item = log_streams_item_data.to_dict()
            log_streams.append(log_streams_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "log_streams": log_streams,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.log_stream import LogStream  # noqa: PLC0415

        d = dict(src_dict)
        log_streams = []
        _log_streams = d.pop("log_streams")
        for log_streams_item_data in _log_streams:
            log_streams_item = LogStream.from_dict(log_streams_item_data)

            log_streams.append(log_streams_item)

        log_stream_list = cls(
            log_streams=log_streams,
        )

        return log_stream_list
