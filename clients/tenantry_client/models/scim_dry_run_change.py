from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.scim_dry_run_change_kind import ScimDryRunChangeKind

T = TypeVar("T", bound="ScimDryRunChange")


@_attrs_define
class ScimDryRunChange:
    """
    Attributes:
        id (str):
        kind (ScimDryRunChangeKind):
        recorded_at (datetime.datetime):
        requested_by (str):
        summary (str):
        target (str):
        target_id (str):
    """

    id: str
    kind: ScimDryRunChangeKind
    recorded_at: datetime.datetime
    requested_by: str
    summary: str
    target: str
    target_id: str

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        recorded_at = self.recorded_at.isoformat()

        requested_by = self.requested_by

        summary = self.summary

        target = self.target

        target_id = self.target_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "recorded_at": recorded_at,
                "requested_by": requested_by,
                "summary": summary,
                "target": target,
                "target_id": target_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = ScimDryRunChangeKind(d.pop("kind"))

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        requested_by = d.pop("requested_by")

        summary = d.pop("summary")

        target = d.pop("target")

        target_id = d.pop("target_id")

        scim_dry_run_change = cls(
            id=id,
            kind=kind,
            recorded_at=recorded_at,
            requested_by=requested_by,
            summary=summary,
            target=target,
            target_id=target_id,
        )

        return scim_dry_run_change
