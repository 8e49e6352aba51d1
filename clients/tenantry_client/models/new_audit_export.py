from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.new_audit_export_format import NewAuditExportFormat
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_export_filter import AuditExportFilter


T = TypeVar("T", bound="NewAuditExport")


@_attrs_define
class NewAuditExport:
    """
    Attributes:
        format_ (NewAuditExportFormat): csv (a header row; formulas neutralised) or jsonl (ExportLog's lines: each
            entry's hashed fields).
        filter_ (AuditExportFilter | Unset): Which entries the file holds; every field set must match.
    """

    format_: NewAuditExportFormat
    filter_: AuditExportFilter | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        format_ = self.format_.value

        filter_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.filter_, Unset):
            filter_ = self.filter_.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "format": format_,
            }
        )
        if filter_ is not UNSET:
            field_dict["filter"] = filter_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_export_filter import AuditExportFilter  # noqa: PLC0415

        d = dict(src_dict)
        format_ = NewAuditExportFormat(d.pop("format"))

        _filter_ = d.pop("filter", UNSET)
        filter_: AuditExportFilter | Unset
        if isinstance(_filter_, Unset):
            filter_ = UNSET
        else:
            filter_ = AuditExportFilter.from_dict(_filter_)

        new_audit_export = cls(
            format_=format_,
            filter_=filter_,
        )

        return new_audit_export
