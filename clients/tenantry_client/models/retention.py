from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Retention")


@_attrs_define
class Retention:
    """
    Attributes:
        configured (bool): False while no retention is set: a year, or the plan's limit if less.
        days (int): Days entries are kept once they happened (365 while none is set).
        legal_hold (bool): An operator's legal hold stops deletion.
        legal_hold_reason (str):
        update_time (datetime.datetime | None):
    """

    configured: bool
    days: int
    legal_hold: bool
    legal_hold_reason: str
    update_time: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        configured = self.configured

        days = self.days

        legal_hold = self.legal_hold

        legal_hold_reason = self.legal_hold_reason

        update_time: None | str
        if isinstance(self.update_time, datetime.datetime):
            update_time = self.update_time.isoformat()
        else:
            update_time = self.update_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "configured": configured,
                "days": days,
                "legal_hold": legal_hold,
                "legal_hold_reason": legal_hold_reason,
                "update_time": update_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        configured = d.pop("configured")

        days = d.pop("days")

        legal_hold = d.pop("legal_hold")

        legal_hold_reason = d.pop("legal_hold_reason")

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

        retention = cls(
            configured=configured,
            days=days,
            legal_hold=legal_hold,
            legal_hold_reason=legal_hold_reason,
            update_time=update_time,
        )

        return retention
