from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="DeletionState")


@_attrs_define
class DeletionState:
    """
    Attributes:
        deletion_time (datetime.datetime | None): When the organization is deleted: the earlier of billing's date and
            the Owner's request.
        legal_hold (bool): An operator's legal hold stops the deletion.
        organization_id (str):
        request_time (datetime.datetime | None): When the pending request was made.
        requested_by_account_id (str): Account of the Owner who made the pending request.
        requested_deletion_time (datetime.datetime | None): When the pending early deletion request deletes it; null
            while none is pending.
    """

    deletion_time: datetime.datetime | None
    legal_hold: bool
    organization_id: str
    request_time: datetime.datetime | None
    requested_by_account_id: str
    requested_deletion_time: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        deletion_time: None | str
        if isinstance(self.deletion_time, datetime.datetime):
            deletion_time = self.deletion_time.isoformat()
        else:
            deletion_time = self.deletion_time

        legal_hold = self.legal_hold

        organization_id = self.organization_id

        request_time: None | str
        if isinstance(self.request_time, datetime.datetime):
            request_time = self.request_time.isoformat()
        else:
            request_time = self.request_time

        requested_by_account_id = self.requested_by_account_id

        requested_deletion_time: None | str
        if isinstance(self.requested_deletion_time, datetime.datetime):
            requested_deletion_time = self.requested_deletion_time.isoformat()
        else:
            requested_deletion_time = self.requested_deletion_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "deletion_time": deletion_time,
                "legal_hold": legal_hold,
                "organization_id": organization_id,
                "request_time": request_time,
                "requested_by_account_id": requested_by_account_id,
                "requested_deletion_time": requested_deletion_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_deletion_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deletion_time_type_0 = datetime.datetime.fromisoformat(data)

                return deletion_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deletion_time = _parse_deletion_time(d.pop("deletion_time"))

        legal_hold = d.pop("legal_hold")

        organization_id = d.pop("organization_id")

        def _parse_request_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                request_time_type_0 = datetime.datetime.fromisoformat(data)

                return request_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        request_time = _parse_request_time(d.pop("request_time"))

        requested_by_account_id = d.pop("requested_by_account_id")

        def _parse_requested_deletion_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                requested_deletion_time_type_0 = datetime.datetime.fromisoformat(data)

                return requested_deletion_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        requested_deletion_time = _parse_requested_deletion_time(d.pop("requested_deletion_time"))

        deletion_state = cls(
            deletion_time=deletion_time,
            legal_hold=legal_hold,
            organization_id=organization_id,
            request_time=request_time,
            requested_by_account_id=requested_by_account_id,
            requested_deletion_time=requested_deletion_time,
        )

        return deletion_state
