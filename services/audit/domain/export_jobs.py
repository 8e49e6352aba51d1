"""Audit exports, pure: a file of an organization's log (CSV or JSON lines, filtered), written by a job page after
page up to the log's head when it was asked for, then readable in chunks until it expires."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.audit.domain.export import entry_line
from services.audit.domain.model import AuditEntry, AuditRecord, capped
from services.audit.domain.ports import EntryQuery
from services.common.errors import FieldViolation, InvalidArgument
from services.common.principal import Principal
from services.common.spreadsheet import neutralise

CSV, JSONL = "csv", "jsonl"
CONTENT_TYPES = {CSV: "text/csv", JSONL: "application/x-ndjson"}
QUEUED, RUNNING, SUCCEEDED, EXPIRED = "queued", "running", "succeeded", "expired"
# A log export (filtered, either format, the plan's audit_export) or the log part of an organization's data export
# (the whole log as JSON lines, on every plan: an organization may always take its data away).
LOG, ORGANIZATION = "log", "organization"
IN_PROGRESS = (QUEUED, RUNNING)
# A finished file stays this long, then only its record remains.
EXPORT_LIFETIME = timedelta(hours=24)
# Entries the job reads and writes in one transaction: its progress moves by this much at a time.
PAGE_ENTRIES = 2000
# Stored and read back in chunks of at most this many bytes (a gRPC message stays well under its 4 MiB limit).
CHUNK_BYTES = 1 << 20
LISTED_EXPORTS = 50
MAX_FILTER_FIELD = 200
REQUESTED_ACTION, DOWNLOADED_ACTION = "audit_export.requested", "audit_export.downloaded"
CSV_COLUMNS = (
    "sequence",
    "occurred_at",
    "action",
    "actor_type",
    "actor_id",
    "actor_display",
    "actor_ip",
    "actor_user_agent",
    "target_type",
    "target_id",
    "target_display",
    "request_id",
    "details",
    "hash",
)


@dataclass(frozen=True)
class ExportFilter:
    """Which entries an export holds; every field set must match (time range half-open, [start, end))."""

    start: datetime | None = None
    end: datetime | None = None
    action: str = ""
    action_prefix: str = ""
    actor_id: str = ""
    target_id: str = ""
    text: str = ""

    def validated(self) -> ExportFilter:
        violations = [
            FieldViolation(f"filter.{name}", f"at most {MAX_FILTER_FIELD} characters")
            for name in ("action", "action_prefix", "actor_id", "target_id", "text")
            if len(getattr(self, name)) > MAX_FILTER_FIELD
        ]
        if self.start is not None and self.end is not None and self.start >= self.end:
            violations.append(FieldViolation("filter.end_time", "must be after start_time"))
        if violations:
            raise InvalidArgument("The export's filter is not valid.", violations)
        return self

    def page(self, organization_id: str, after_sequence: int, through_sequence: int) -> EntryQuery:
        """The next page of matching entries, oldest first, after the job's position and up to its last entry."""
        return EntryQuery(
            organization_id,
            PAGE_ENTRIES,
            before_sequence=through_sequence + 1,
            after_sequence=after_sequence,
            oldest_first=True,
            action=self.action or None,
            actor_id=self.actor_id or None,
            target_id=self.target_id or None,
            start=self.start,
            end=self.end,
            action_prefix=self.action_prefix or None,
            text=self.text or None,
        )

    def described(self) -> dict[str, str]:
        """The filter as the audit entry of the request shows it (only what was set)."""
        shown = {name: getattr(self, name) for name in ("action", "action_prefix", "actor_id", "target_id", "text")}
        shown["start"] = self.start.isoformat() if self.start else ""
        shown["end"] = self.end.isoformat() if self.end else ""
        return {name: value for name, value in shown.items() if value}


@dataclass(frozen=True)
class AuditExport:
    id: str
    organization_id: str
    format: str
    filter: ExportFilter
    state: str
    # The log's head when asked for: the file holds matching entries up to it.
    last_sequence: int
    scanned_sequence: int
    rows_written: int
    size_bytes: int
    chunks: int
    requested_by: str
    request_id: str
    created_at: datetime
    finished_at: datetime | None = None
    expires_at: datetime | None = None
    scope: str = LOG

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def file_name(self) -> str:
        prefix = "organization-audit-log" if self.scope == ORGANIZATION else "audit-log"
        return f"{prefix}-{self.created_at.strftime('%Y%m%dT%H%M%SZ')}.{self.format}"

    @property
    def percent_complete(self) -> int:
        if self.state in (SUCCEEDED, EXPIRED):
            return 100
        if self.last_sequence <= 0:
            return 0
        return min(99, self.scanned_sequence * 100 // self.last_sequence)

    def expired(self, now: datetime) -> bool:
        return self.state == EXPIRED or (self.expires_at is not None and self.expires_at <= now)

    def advanced(self, scanned: int, rows: int, size: int, chunks: int, now: datetime) -> AuditExport:
        """After one page: done once it has read through its last entry."""
        moved = replace(
            self,
            state=RUNNING,
            scanned_sequence=scanned,
            rows_written=self.rows_written + rows,
            size_bytes=self.size_bytes + size,
            chunks=self.chunks + chunks,
        )
        if scanned < self.last_sequence:
            return moved
        return replace(moved, state=SUCCEEDED, finished_at=now, expires_at=now + EXPORT_LIFETIME)


def validate_scope(scope: str, format_name: str, filter: ExportFilter) -> None:
    """An organization's data export holds the whole log as JSON lines, nothing else."""
    if scope not in (LOG, ORGANIZATION):
        raise InvalidArgument("Unknown export scope.", [FieldViolation("scope", "log or organization")])
    if scope == ORGANIZATION and (format_name != JSONL or filter != ExportFilter()):
        raise InvalidArgument(
            "The log part of an organization's data export is the whole log as JSON lines.",
            [FieldViolation("filter", "none, and format jsonl, for the organization scope")],
        )


def validate_format(name: str) -> str:
    if name not in CONTENT_TYPES:
        raise InvalidArgument(
            "Choose the export's format: csv or jsonl.", [FieldViolation("format", "must be csv or jsonl")]
        )
    return name


def rendered(format_name: str, entries: Sequence[AuditEntry], with_header: bool) -> bytes:
    """A page of the file: JSON lines as ExportLog writes them, or CSV rows (the header before the first)."""
    if format_name == JSONL:
        return b"".join(entry_line(entry) for entry in entries)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if with_header:
        writer.writerow(CSV_COLUMNS)
    for entry in entries:
        record = entry.record
        writer.writerow(
            [
                entry.sequence,
                record.occurred_at.isoformat(),
                *(
                    neutralise(value)
                    for value in (
                        record.action,
                        record.actor_type,
                        record.actor_id,
                        record.actor_display,
                        record.actor_ip,
                        record.actor_user_agent,
                        record.target_type,
                        record.target_id,
                        record.target_display,
                        record.request_id,
                        record.details,
                    )
                ),
                entry.hash,
            ]
        )
    return out.getvalue().encode()


def chunked(data: bytes) -> list[bytes]:
    return [data[start : start + CHUNK_BYTES] for start in range(0, len(data), CHUNK_BYTES)]


def export_record(record_id: str, principal: Principal, action: str, export: AuditExport, now: datetime) -> AuditRecord:
    """Asking for an export, or downloading one, goes into the organization's log: both read personal data."""
    details = {
        "format": export.format,
        "filter": export.filter.described(),
        "rows": export.rows_written,
        "scope": export.scope,
    }
    return AuditRecord(
        id=record_id,
        organization_id=export.organization_id,
        action=action,
        event_type=f"audit.{action}",
        actor_type=principal.actor_type,
        actor_id=capped(principal.actor_id),
        actor_display=capped(principal.actor_display),
        actor_ip=capped(principal.ip_address),
        actor_user_agent=capped(principal.user_agent),
        target_type="audit_export",
        target_id=export.id,
        target_display=export.file_name,
        occurred_at=now,
        request_id=capped(principal.request_id),
        details=json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
    )
