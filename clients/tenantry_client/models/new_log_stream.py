from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.new_log_stream_format import NewLogStreamFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="NewLogStream")


@_attrs_define
class NewLogStream:
    """
    Attributes:
        name (str): A name for the destination.
        url (str): The destination's https URL: the webhook, the Splunk HEC endpoint (…/services/collector/event) or the
            Datadog logs intake (…/api/v2/logs).
        destination_token (None | str | Unset):
        format_ (NewLogStreamFormat | Unset):  Default: NewLogStreamFormat.WEBHOOK.
    """

    name: str
    url: str
    destination_token: None | str | Unset = UNSET
    format_: NewLogStreamFormat | Unset = NewLogStreamFormat.WEBHOOK

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        url = self.url

        destination_token: None | str | Unset
        if isinstance(self.destination_token, Unset):
            destination_token = UNSET
        else:
            destination_token = self.destination_token

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "url": url,
            }
        )
        if destination_token is not UNSET:
            field_dict["destination_token"] = destination_token
        if format_ is not UNSET:
            field_dict["format"] = format_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        url = d.pop("url")

        def _parse_destination_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        destination_token = _parse_destination_token(d.pop("destination_token", UNSET))

        _format_ = d.pop("format", UNSET)
        format_: NewLogStreamFormat | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = NewLogStreamFormat(_format_)

        new_log_stream = cls(
            name=name,
            url=url,
            destination_token=destination_token,
            format_=format_,
        )

        return new_log_stream
