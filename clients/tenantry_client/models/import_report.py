from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.import_row import ImportRow


T = TypeVar("T", bound="ImportReport")


@_attrs_define
class ImportReport:
    """
    Attributes:
        invalid_rows (int):
        rows (list[ImportRow]):
        valid_rows (int):
    """

    invalid_rows: int
    rows: list[ImportRow]
    valid_rows: int

    def to_dict(self) -> dict[str, Any]:
        invalid_rows = self.invalid_rows

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        valid_rows = self.valid_rows

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "invalid_rows": invalid_rows,
                "rows": rows,
                "valid_rows": valid_rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_row import ImportRow  # noqa: PLC0415

        d = dict(src_dict)
        invalid_rows = d.pop("invalid_rows")

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = ImportRow.from_dict(rows_item_data)

            rows.append(rows_item)

        valid_rows = d.pop("valid_rows")

        import_report = cls(
            invalid_rows=invalid_rows,
            rows=rows,
            valid_rows=valid_rows,
        )

        return import_report
