from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.audit_export_format import AuditExportFormat
from ..models.audit_export_state import AuditExportState

if TYPE_CHECKING:
    from ..models.audit_export_shown_filter import AuditExportShownFilter


T = TypeVar("T", bound="AuditExport")


@_attrs_define
class AuditExport:
    """
    Attributes:
        content_type (str):
        create_time (datetime.datetime | None):
        download_url (None | str): Where to download the file once it succeeded; null before.
        expire_time (datetime.datetime | None):
        file_name (str):
        filter_ (AuditExportShownFilter):
        finish_time (datetime.datetime | None):
        format_ (AuditExportFormat):
        id (str):
        last_sequence (int): The log's last entry when asked for: the file stops there.
        percent_complete (int): 0 to 100.
        requested_by (str):
        rows_written (int):
        scanned_sequence (int): How far the job has read the log, up to last_sequence.
        size_bytes (int):
        state (AuditExportState): queued, then running while rows_written grows; succeeded once the file can be
            downloaded, expired 24 hours later (its file is gone).
    """

    content_type: str
    create_time: datetime.datetime | None
    download_url: None | str
    expire_time: datetime.datetime | None
    file_name: str
    filter_: AuditExportShownFilter
    finish_time: datetime.datetime | None
    format_: AuditExportFormat
    id: str
    last_sequence: int
    percent_complete: int
    requested_by: str
    rows_written: int
    scanned_sequence: int
    size_bytes: int
    state: AuditExportState

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        download_url: None | str
        download_url = self.download_url

        expire_time: None | str
        if isinstance(self.expire_time, datetime.datetime):
            expire_time = self.expire_time.isoformat()
        else:
            expire_time = self.expire_time

        file_name = self.file_name

        filter_ = self.filter_.to_dict()

        finish_time: None | str
        if isinstance(self.finish_time, datetime.datetime):
            finish_time = self.finish_time.isoformat()
        else:
            finish_time = self.finish_time

        format_ = self.format_.value

        id = self.id

        last_sequence = self.last_sequence

        percent_complete = self.percent_complete

        requested_by = self.requested_by

        rows_written = self.rows_written

        scanned_sequence = self.scanned_sequence

        size_bytes = self.size_bytes

        state = self.state.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content_type": content_type,
                "create_time": create_time,
                "download_url": download_url,
                "expire_time": expire_time,
                "file_name": file_name,
                "filter": filter_,
                "finish_time": finish_time,
                "format": format_,
                "id": id,
                "last_sequence": last_sequence,
                "percent_complete": percent_complete,
                "requested_by": requested_by,
                "rows_written": rows_written,
                "scanned_sequence": scanned_sequence,
                "size_bytes": size_bytes,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_export_shown_filter import AuditExportShownFilter  # noqa: PLC0415

        d = dict(src_dict)
        content_type = d.pop("content_type")

        def _parse_create_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                create_time_type_0 = datetime.datetime.fromisoformat(data)

                return create_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        create_time = _parse_create_time(d.pop("create_time"))

        def _parse_download_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        download_url = _parse_download_url(d.pop("download_url"))

        def _parse_expire_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expire_time_type_0 = datetime.datetime.fromisoformat(data)

                return expire_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expire_time = _parse_expire_time(d.pop("expire_time"))

        file_name = d.pop("file_name")

        filter_ = AuditExportShownFilter.from_dict(d.pop("filter"))

        def _parse_finish_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finish_time_type_0 = datetime.datetime.fromisoformat(data)

                return finish_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finish_time = _parse_finish_time(d.pop("finish_time"))

        format_ = AuditExportFormat(d.pop("format"))

        id = d.pop("id")

        last_sequence = d.pop("last_sequence")

        percent_complete = d.pop("percent_complete")

        requested_by = d.pop("requested_by")

        rows_written = d.pop("rows_written")

        scanned_sequence = d.pop("scanned_sequence")

        size_bytes = d.pop("size_bytes")

        state = AuditExportState(d.pop("state"))

        audit_export = cls(
            content_type=content_type,
            create_time=create_time,
            download_url=download_url,
            expire_time=expire_time,
            file_name=file_name,
            filter_=filter_,
            finish_time=finish_time,
            format_=format_,
            id=id,
            last_sequence=last_sequence,
            percent_complete=percent_complete,
            requested_by=requested_by,
            rows_written=rows_written,
            scanned_sequence=scanned_sequence,
            size_bytes=size_bytes,
            state=state,
        )

        return audit_export
