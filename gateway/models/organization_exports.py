"""REST models of the organization's data export: an archive of everything it keeps, whose audit log a job writes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from gateway.models.fields import Id, ResponseBody, Timestamp


class OrganizationExport(ResponseBody):
    id: Id
    state: Literal["queued", "running", "succeeded", "expired"] = Field(
        description="queued, then running while the audit log is written; succeeded once the archive can be "
        "downloaded, expired 24 hours later."
    )
    percent_complete: int = Field(description="0 to 100: how far the job has written the audit log.")
    requested_by: str
    create_time: Timestamp | None
    finish_time: Timestamp | None
    expire_time: Timestamp | None
    archive_url: str | None = Field(description="Where to download the ZIP archive once it succeeded; null before.")


class OrganizationExportList(ResponseBody):
    exports: list[OrganizationExport] = Field(description="Newest first.")
