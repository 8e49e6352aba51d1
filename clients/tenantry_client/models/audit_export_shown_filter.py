from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="AuditExportShownFilter")


@_attrs_define
class AuditExportShownFilter:
    """
    Attributes:
        action (str):
        action_prefix (str):
        actor_id (str):
        end_time (datetime.datetime | None):
        start_time (datetime.datetime | None):
        target_id (str):
        text (str):
    """

    action: str
    action_prefix: str
    actor_id: str
    end_time: datetime.datetime | None
    start_time: datetime.datetime | None
    target_id: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        action_prefix = self.action_prefix

        actor_id = self.actor_id

        end_time: None | str
        if isinstance(self.end_time, datetime.datetime):
            end_time = self.end_time.isoformat()
        else:
            end_time = self.end_time

        start_time: None | str
        if isinstance(self.start_time, datetime.datetime):
            start_time = self.start_time.isoformat()
        else:
            start_time = self.start_time

        target_id = self.target_id

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "action_prefix": action_prefix,
                "actor_id": actor_id,
                "end_time": end_time,
                "start_time": start_time,
                "target_id": target_id,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        action_prefix = d.pop("action_prefix")

        actor_id = d.pop("actor_id")

        def _parse_end_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        end_time = _parse_end_time(d.pop("end_time"))

        def _parse_start_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_time_type_0 = datetime.datetime.fromisoformat(data)

                return start_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        start_time = _parse_start_time(d.pop("start_time"))

        target_id = d.pop("target_id")

        text = d.pop("text")

        audit_export_shown_filter = cls(
            action=action,
            action_prefix=action_prefix,
            actor_id=actor_id,
            end_time=end_time,
            start_time=start_time,
            target_id=target_id,
            text=text,
        )

        return audit_export_shown_filter
