from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="InvitationImport")


@_attrs_define
class InvitationImport:
    """
    Attributes:
        csv (str): columns email, name, role, groups; at most 1000 rows
        dry_run (bool | Unset):  Default: False.
    """

    csv: str
    dry_run: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        csv = self.csv

        dry_run = self.dry_run

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "csv": csv,
            }
        )
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        csv = d.pop("csv")

        dry_run = d.pop("dry_run", UNSET)

        invitation_import = cls(
            csv=csv,
            dry_run=dry_run,
        )

        return invitation_import
