"""Log streams, pure: where an organization's log is delivered (a webhook), how a batch is signed, and how long a
failing destination is retried before the stream is parked.

A stream's cursor is the last sequence of its organization's chain the destination acknowledged (a 2xx). Batches
go out in sequence order and the cursor moves only after the acknowledgement, so delivery is at least once and in
order; a receiver drops repeats by each event's `id`.

Each request carries `Tenantry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, plus
`Tenantry-Stream-Id`; a receiver recomputes the HMAC over the raw body and rejects an old `t` (replays). While a
rotated secret overlaps the new one, the header holds one `v1=` per secret, the new one first
(`t=...,v1=<new>,v1=<old>`): a receiver accepts the batch when any `v1` matches a secret it knows, so it can
switch to the new secret at any time during the overlap. After the overlap only the new secret signs.

The body and the destination's own authentication depend on the stream's format (log_stream_formats.py).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from services.audit.domain import log_stream_formats as formats
from services.audit.domain.model import AuditEntry, AuditRecord, capped
from services.common.errors import FieldViolation, InvalidArgument
from services.common.principal import Principal

ACTIVE = "active"
PAUSED = "paused"
# Parked after failing for MAX_FAILING: nothing is sent until an admin resumes it.
FAILING = "failing"
STATUSES = (ACTIVE, PAUSED, FAILING)

MAX_FAILING = timedelta(hours=72)
FIRST_RETRY = timedelta(seconds=5)
MAX_RETRY = timedelta(hours=1)
JITTER = 0.1
BATCH_SIZE = 100
MAX_NAME = 200
MAX_URL = 2048
MAX_ERROR = 1024
SIGNATURE_HEADER = "Tenantry-Signature"
STREAM_HEADER = "Tenantry-Stream-Id"
LOCAL_HOSTS = frozenset({"localhost"})
CREATED_ACTION = "log_stream.created"
UPDATED_ACTION = "log_stream.updated"
PAUSED_ACTION = "log_stream.paused"
RESUMED_ACTION = "log_stream.resumed"
DELETED_ACTION = "log_stream.deleted"
SECRET_ROTATED_ACTION = "log_stream.secret_rotated"
# How long the previous signing secret keeps signing after a rotation, unless the admin says otherwise.
DEFAULT_OVERLAP = timedelta(hours=24)
MAX_OVERLAP = timedelta(days=7)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(setting: str) -> list[Network]:
    """The allowed-networks setting: comma-separated CIDRs (a bare address is a /32 or /128)."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]


@dataclass(frozen=True)
class LogStream:
    id: str
    organization_id: str
    name: str
    url: str
    status: str
    # The last sequence of the organization's chain the destination acknowledged.
    cursor: int
    # Failed attempts since the last acknowledged batch, when the current failing run began, and when to retry.
    attempts: int
    failing_since: datetime | None
    next_attempt_at: datetime | None
    last_error: str
    last_delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    # webhook, splunk_hec or datadog (log_stream_formats.py).
    format: str = formats.WEBHOOK
    # Until when the secret replaced by the last rotation still signs; None when there is none.
    previous_expires_at: datetime | None = None

    def previous_secret_signs(self, now: datetime) -> bool:
        return self.previous_expires_at is not None and now < self.previous_expires_at


@dataclass(frozen=True)
class StreamView:
    """A stream as admins read it: with how far it lags behind its organization's log."""

    stream: LogStream
    head_sequence: int

    @property
    def lag(self) -> int:
        return max(self.head_sequence - self.stream.cursor, 0)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def secret_context(stream_id: str) -> str:
    """What a stream's sealed secret is bound to (a sealed secret copied to another stream does not open)."""
    return f"audit-log-stream:{stream_id}"


def validate_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidArgument("A log stream needs a name.", [FieldViolation("name", f"1 to {MAX_NAME} characters")])
    return name


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_local(host: str) -> bool:
    address = _address(host)
    return host in LOCAL_HOSTS or (address is not None and address.is_loopback)


def _public(host: str, allowed_networks: Sequence[Network]) -> bool:
    """False for an address literal inside a private network the operator did not allow; names are resolved and
    checked at each delivery (adapters/webhook_sender.py)."""
    address = _address(host)
    if address is None:
        return host not in LOCAL_HOSTS
    return address.is_global or any(address in network for network in allowed_networks)


def validate_url(url: str, allow_local_http: bool, allowed_networks: Sequence[Network] = ()) -> str:
    """An https URL to a public address (or one in the operator's allowed networks); plain http only to this
    machine (a local receiver) and only when `allow_local_http` (never in production), since the log would
    otherwise cross the network readable."""
    url = url.strip()
    parts = urlsplit(url)
    host = parts.hostname or ""
    problem = ""
    if len(url) > MAX_URL or not host or parts.username or parts.password:
        problem = f"an absolute URL of at most {MAX_URL} characters, without credentials"
    elif parts.scheme == "http" and not (allow_local_http and _is_local(host)):
        problem = "must be https (plain http only to localhost outside production)"
    elif parts.scheme not in ("https", "http"):
        problem = "must be https"
    elif not (allow_local_http and _is_local(host)) and not _public(host, allowed_networks):
        problem = "must be a public address (not one inside our network)"
    if problem:
        raise InvalidArgument("The destination URL is not accepted.", [FieldViolation("url", problem)])
    return url


def retry_delay(stream_id: str, attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: 5 s, 10 s, 20 s ... capped at an hour, plus up to 10 %
    jitter. The jitter comes from the stream and attempt, so streams failing together spread out while one
    stream's schedule stays reproducible."""
    base = min(FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 20)), MAX_RETRY)
    spread = int.from_bytes(hashlib.sha256(f"{stream_id}:{attempts}".encode()).digest()[:2]) / 0xFFFF
    return base * (1 + JITTER * spread)


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature(secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    """`t=<timestamp>,v1=<mac>` with one `v1` per secret, in the order given (the current secret first)."""
    return ",".join([f"t={timestamp}", *(f"v1={_mac(secret, timestamp, body)}" for secret in secrets)])


def verify_signature(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (and the tests): recompute the HMAC of `t.body` and compare it, in constant time, with
    each `v1` of the header."""
    pairs = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for name, value in pairs if name == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    expected = _mac(secret, int(stamps[0]), body)
    return any(hmac.compare_digest(expected, value) for name, value in pairs if name == "v1")


def _event(entry: AuditEntry) -> dict[str, Any]:
    record = entry.record
    try:
        details: Any = json.loads(record.details) if record.details else None
    except ValueError:
        details = record.details
    return {
        "id": record.id,
        "sequence": entry.sequence,
        "action": record.action,
        "event_type": record.event_type,
        "actor": {
            "type": record.actor_type,
            "id": record.actor_id,
            "display": record.actor_display,
            "ip": record.actor_ip,
            "user_agent": record.actor_user_agent,
        },
        "target": {"type": record.target_type, "id": record.target_id, "display": record.target_display},
        "occurred_at": record.occurred_at.isoformat(),
        "recorded_at": entry.recorded_at.isoformat(),
        "request_id": record.request_id,
        "details": details,
        "hash": entry.hash,
    }


def batch_body(stream: LogStream, entries: Sequence[AuditEntry]) -> bytes:
    """The body of one delivery in the stream's format: the entries in sequence order, each with its event id
    for deduplication."""
    return formats.body(stream.format, stream.id, stream.organization_id, [_event(entry) for entry in entries])


def headers(stream: LogStream, secrets: Sequence[str], token: str, body: bytes, now: datetime) -> dict[str, str]:
    """Signed by every secret that still signs (the current one first), plus the destination's credential."""
    return {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secrets, int(now.timestamp()), body),
        STREAM_HEADER: stream.id,
        **formats.auth_headers(stream.format, token),
    }


def token_context(stream_id: str) -> str:
    """What a stream's sealed destination token is bound to (not interchangeable with its signing secret)."""
    return f"audit-log-stream-token:{stream_id}"


def validate_overlap(seconds: int) -> timedelta:
    """How long the replaced secret keeps signing: 0 means the default (24 hours), at most 7 days."""
    if seconds == 0:
        return DEFAULT_OVERLAP
    if not 0 < seconds <= MAX_OVERLAP.total_seconds():
        raise InvalidArgument(
            "The overlap is not accepted.",
            [FieldViolation("overlap_seconds", f"1 to {int(MAX_OVERLAP.total_seconds())} seconds (0: 24 hours)")],
        )
    return timedelta(seconds=seconds)


def stream_changed_record(
    record_id: str, principal: Principal, action: str, before: LogStream | None, after: LogStream | None, now: datetime
) -> AuditRecord:
    """A change of a stream, written into the organization's own log with before and after (never the secret)."""

    def view(stream: LogStream | None) -> dict[str, object] | None:
        if stream is None:
            return None
        shown: dict[str, object] = {"name": stream.name, "url": stream.url, "status": stream.status}
        shown["format"] = stream.format
        if stream.previous_expires_at is not None:
            shown["previous_secret_expires_at"] = stream.previous_expires_at.isoformat()
        return shown

    stream = after or before
    assert stream is not None
    return AuditRecord(
        id=record_id,
        organization_id=stream.organization_id,
        action=action,
        event_type=f"audit.{action}",
        actor_type=principal.actor_type,
        actor_id=capped(principal.actor_id),
        actor_display=capped(principal.actor_display),
        actor_ip=capped(principal.ip_address),
        actor_user_agent=capped(principal.user_agent),
        target_type="log_stream",
        target_id=stream.id,
        target_display=capped(stream.name),
        occurred_at=now,
        request_id=capped(principal.request_id),
        details=json.dumps(
            {"before": view(before), "after": view(after)}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ),
    )
