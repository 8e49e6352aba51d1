"""REST models of audit exports: a CSV or JSON-lines file of the log, built by a job with progress."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from gateway.models.audit import SearchTime
from gateway.models.fields import Id, RequestBody, ResponseBody, Timestamp

FilterText = Annotated[str, StringConstraints(max_length=200)]


class AuditExportFilter(RequestBody):
    """Which entries the file holds; every field set must match."""

    start_time: Annotated[SearchTime | None, Field(description="Entries whose action happened at or after.")] = None
    end_time: Annotated[SearchTime | None, Field(description="Entries whose action happened before.")] = None
    action: FilterText = Field(default="", description="Exact action, e.g. `member.removed`.")
    action_prefix: Annotated[
        str, StringConstraints(pattern=r"^([a-z0-9._]{1,100})?$"), Field(description="Actions starting with this.")
    ] = ""
    actor_id: FilterText = ""
    target_id: FilterText = ""
    text: FilterText = Field(default="", description="Free text in the details, any case.")


class NewAuditExport(RequestBody):
    format: Literal["csv", "jsonl"] = Field(
        description="csv (a header row; formulas neutralised) or jsonl (ExportLog's lines: each entry's hashed fields)."
    )
    filter: AuditExportFilter = Field(default_factory=AuditExportFilter)


class AuditExportShownFilter(ResponseBody):
    start_time: Timestamp | None
    end_time: Timestamp | None
    action: str
    action_prefix: str
    actor_id: str
    target_id: str
    text: str


class AuditExport(ResponseBody):
    id: Id
    format: Literal["csv", "jsonl"]
    filter: AuditExportShownFilter
    state: Literal["queued", "running", "succeeded", "expired"] = Field(
        description="queued, then running while rows_written grows; succeeded once the file can be downloaded, "
        "expired 24 hours later (its file is gone)."
    )
    percent_complete: int = Field(description="0 to 100.")
    last_sequence: int = Field(description="The log's last entry when asked for: the file stops there.")
    scanned_sequence: int = Field(description="How far the job has read the log, up to last_sequence.")
    rows_written: int
    size_bytes: int
    requested_by: str
    create_time: Timestamp | None
    finish_time: Timestamp | None
    expire_time: Timestamp | None
    file_name: str
    content_type: str
    download_url: str | None = Field(description="Where to download the file once it succeeded; null before.")


class AuditExportList(ResponseBody):
    exports: list[AuditExport] = Field(description="Newest first, the last 50.")
