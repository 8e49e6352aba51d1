from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.actor import Actor
    from ..models.audit_entry_details_type_0 import AuditEntryDetailsType0


T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """
    Attributes:
        action (str):
        actor (Actor):
        details (AuditEntryDetailsType0 | None):
        hash_ (str):
        id (str):
        occur_time (datetime.datetime | None):
        organization_id (str):
        request_id (str):
        sequence (int):
        target_display (str):
        target_id (str):
        target_type (str):
    """

    action: str
    actor: Actor
    details: AuditEntryDetailsType0 | None
    hash_: str
    id: str
    occur_time: datetime.datetime | None
    organization_id: str
    request_id: str
    sequence: int
    target_display: str
    target_id: str
    target_type: str

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_entry_details_type_0 import AuditEntryDetailsType0  # noqa: PLC0415

        action = self.action

        actor = self.actor.to_dict()

        details: dict[str, Any] | None
        if isinstance(self.details, AuditEntryDetailsType0):
            details = self.details.to_dict()
        else:
            details = self.details

        hash_ = self.hash_

        id = self.id

        occur_time: None | str
        if isinstance(self.occur_time, datetime.datetime):
            occur_time = self.occur_time.isoformat()
        else:
            occur_time = self.occur_time

        organization_id = self.organization_id

        request_id = self.request_id

        sequence = self.sequence

        target_display = self.target_display

        target_id = self.target_id

        target_type = self.target_type

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "actor": actor,
                "details": details,
                "hash": hash_,
                "id": id,
                "occur_time": occur_time,
                "organization_id": organization_id,
                "request_id": request_id,
                "sequence": sequence,
                "target_display": target_display,
                "target_id": target_id,
                "target_type": target_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor import Actor  # noqa: PLC0415
        from ..models.audit_entry_details_type_0 import AuditEntryDetailsType0  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        actor = Actor.from_dict(d.pop("actor"))

        def _parse_details(data: object) -> AuditEntryDetailsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                details_type_0 = AuditEntryDetailsType0.from_dict(data)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEntryDetailsType0 | None, data)

        details = _parse_details(d.pop("details"))

        hash_ = d.pop("hash")

        id = d.pop("id")

        def _parse_occur_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                occur_time_type_0 = datetime.datetime.fromisoformat(data)

                return occur_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        occur_time = _parse_occur_time(d.pop("occur_time"))

        organization_id = d.pop("organization_id")

        request_id = d.pop("request_id")

        sequence = d.pop("sequence")

        target_display = d.pop("target_display")

        target_id = d.pop("target_id")

        target_type = d.pop("target_type")

        audit_entry = cls(
            action=action,
            actor=actor,
            details=details,
            hash_=hash_,
            id=id,
            occur_time=occur_time,
            organization_id=organization_id,
            request_id=request_id,
            sequence=sequence,
            target_display=target_display,
            target_id=target_id,
            target_type=target_type,
        )

        return audit_entry
