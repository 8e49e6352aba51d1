from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.log_stream import LogStream


T = TypeVar("T", bound="RotatedLogStreamSecret")


@_attrs_define
class RotatedLogStreamSecret:
    """
    Attributes:
        log_stream (LogStream):
        signing_secret (str): Signs every batch: Tenantry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
            '<t>.<body>'>; during a rotation's overlap the header holds one v1 per secret (new first), accept a batch when
            any v1 matches. Shown only here.
    """

    log_stream: LogStream
    signing_secret: str

    def to_dict(self) -> dict[str, Any]:
        log_stream = self.log_stream.to_dict()

        signing_secret = self.signing_secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "log_stream": log_stream,
                "signing_secret": signing_secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.log_stream import LogStream  # noqa: PLC0415

        d = dict(src_dict)
        log_stream = LogStream.from_dict(d.pop("log_stream"))

        signing_secret = d.pop("signing_secret")

        rotated_log_stream_secret = cls(
            log_stream=log_stream,
            signing_secret=signing_secret,
        )

        return rotated_log_stream_secret
