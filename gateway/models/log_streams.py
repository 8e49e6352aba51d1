"""REST models of audit log streams (SIEM webhooks)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from gateway.models.fields import RequestBody, ResponseBody, Timestamp

StreamName = Annotated[str, Field(min_length=1, max_length=200, description="A name for the destination.")]
StreamUrl = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2048,
        description="The destination's https URL: the webhook, the Splunk HEC endpoint "
        "(…/services/collector/event) or the Datadog logs intake (…/api/v2/logs).",
    ),
]
StreamFormat = Literal["webhook", "splunk_hec", "datadog"]
DestinationToken = Annotated[
    str,
    Field(
        min_length=8,
        max_length=512,
        description="The Splunk HEC token (sent as 'Authorization: Splunk <token>') or the Datadog API key (sent as "
        "DD-API-KEY); stored sealed, never returned. A webhook takes none.",
    ),
]
SIGNATURE_DOC = (
    "Signs every batch: Tenantry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>; during a "
    "rotation's overlap the header holds one v1 per secret (new first), accept a batch when any v1 matches. "
    "Shown only here."
)


class LogStream(ResponseBody):
    id: str
    name: str
    url: str
    status: Literal["active", "paused", "failing"] = Field(
        description="failing: parked after 72 hours of failed deliveries, until resumed."
    )
    cursor: int = Field(description="Last sequence of the organization's log the destination acknowledged.")
    lag: int = Field(description="Entries of the log not yet acknowledged.")
    attempts: int = Field(description="Failed attempts since the last acknowledged batch.")
    last_error: str = Field(description="Why the last attempt failed; empty when none failed.")
    failing_since: Timestamp | None
    next_attempt_time: Timestamp | None
    last_delivery_time: Timestamp | None
    create_time: Timestamp | None
    update_time: Timestamp | None
    format: StreamFormat = Field(description="What the destination expects: signed webhook, Splunk HEC or Datadog.")
    previous_secret_expire_time: Timestamp | None = Field(
        description="Until when the secret replaced by the last rotation still signs; null when none."
    )


class LogStreamList(ResponseBody):
    log_streams: list[LogStream]


class CreatedLogStream(ResponseBody):
    log_stream: LogStream
    signing_secret: str = Field(description=SIGNATURE_DOC)


class RotatedLogStreamSecret(ResponseBody):
    log_stream: LogStream
    signing_secret: str = Field(description=SIGNATURE_DOC)


class NewLogStream(RequestBody):
    name: StreamName
    url: StreamUrl
    format: StreamFormat = "webhook"
    destination_token: DestinationToken | None = None


class LogStreamChange(RequestBody):
    name: StreamName | None = None
    url: StreamUrl | None = None
    destination_token: DestinationToken | None = None


class SecretRotation(RequestBody):
    overlap_seconds: int = Field(
        default=86400, ge=1, le=604800, description="How long the replaced secret keeps signing (default 24 hours)."
    )
