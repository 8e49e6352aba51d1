from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.audit_export import AuditExport


T = TypeVar("T", bound="AuditExportList")


@_attrs_define
class AuditExportList:
    """
    Attributes:
        exports (list[AuditExport]): Newest first, the last 50.
    """

    exports: list[AuditExport]

    def to_dict(self) -> dict[str, Any]:
        exports = []
        for exports_item_data in self.exports:
            exports_item = exports_item_data.to_dict()
            exports.append(exports_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "exports": exports,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_export import AuditExport  # noqa: PLC0415

        d = dict(src_dict)
        exports = []
        _exports = d.pop("exports")
        for exports_item_data in _exports:
            exports_item = AuditExport.from_dict(exports_item_data)

            exports.append(exports_item)

        audit_export_list = cls(
            exports=exports,
        )

        return audit_export_list
