from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditExportFilter")


@_attrs_define
class AuditExportFilter:
    """Which entries the file holds; every field set must match.

    Attributes:
        action (str | Unset): Exact action, e.g. `member.removed`. Default: ''.
        action_prefix (str | Unset): Actions starting with this. Default: ''.
        actor_id (str | Unset):  Default: ''.
        end_time (datetime.datetime | None | Unset): Entries whose action happened before.
        start_time (datetime.datetime | None | Unset): Entries whose action happened at or after.
        target_id (str | Unset):  Default: ''.
        text (str | Unset): Free text in the details, any case. Default: ''.
    """

    action: str | Unset = ""
    action_prefix: str | Unset = ""
    actor_id: str | Unset = ""
    end_time: datetime.datetime | None | Unset = UNSET
    start_time: datetime.datetime | None | Unset = UNSET
    target_id: str | Unset = ""
    text: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        action_prefix = self.action_prefix

        actor_id = self.actor_id

        end_time: None | str | Unset
        if isinstance(self.end_time, Unset):
            end_time = UNSET
        elif isinstance(self.end_time, datetime.datetime):
            end_time = self.end_time.isoformat()
        else:
            end_time = self.end_time

        start_time: None | str | Unset
        if isinstance(self.start_time, Unset):
            start_time = UNSET
        elif isinstance(self.start_time, datetime.datetime):
            start_time = self.start_time.isoformat()
        else:
            start_time = self.start_time

        target_id = self.target_id

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if action_prefix is not UNSET:
            field_dict["action_prefix"] = action_prefix
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if start_time is not UNSET:
            field_dict["start_time"] = start_time
        if target_id is not UNSET:
            field_dict["target_id"] = target_id
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action", UNSET)

        action_prefix = d.pop("action_prefix", UNSET)

        actor_id = d.pop("actor_id", UNSET)

        def _parse_end_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        end_time = _parse_end_time(d.pop("end_time", UNSET))

        def _parse_start_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_time_type_0 = datetime.datetime.fromisoformat(data)

                return start_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        start_time = _parse_start_time(d.pop("start_time", UNSET))

        target_id = d.pop("target_id", UNSET)

        text = d.pop("text", UNSET)

        audit_export_filter = cls(
            action=action,
            action_prefix=action_prefix,
            actor_id=actor_id,
            end_time=end_time,
            start_time=start_time,
            target_id=target_id,
            text=text,
        )

        return audit_export_filter
