"""What each kind of log stream destination expects: the body of a batch and how the request authenticates.

- `webhook`: `{"stream_id", "organization_id", "events": [...]}`, authenticated by the HMAC signature alone.
- `splunk_hec` (Splunk HTTP Event Collector, e.g. https://splunk.example.com:8088/services/collector/event): the
  events as concatenated JSON objects `{"time", "host", "source", "sourcetype", "event"}` (HEC's batch form),
  with `Authorization: Splunk <token>`.
- `datadog` (the logs intake, e.g. https://http-intake.logs.datadoghq.com/api/v2/logs): a JSON array of logs
  with `ddsource`, `service`, `hostname`, `ddtags`, a one-line `message` and the event's fields as attributes,
  with `DD-API-KEY: <api key>`.

Every format also carries the Tenantry-Signature header (log_streams.py), so a receiver behind the SIEM's own
authentication can still check that a batch came from us; each event keeps its `id` for deduplication.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.common.errors import Violations

WEBHOOK = "webhook"
SPLUNK_HEC = "splunk_hec"
DATADOG = "datadog"
FORMATS = (WEBHOOK, SPLUNK_HEC, DATADOG)
# The destination's own credential (the HEC token, the Datadog API key): printable, no spaces.
TOKEN = re.compile(r"[\x21-\x7e]{8,512}")
SOURCE = "tenantry"
SOURCETYPE = "tenantry:audit"
SERVICE = "tenantry-audit"
HOSTNAME = "tenantry"


def validate_destination(format_name: str, token: str) -> str:
    """The format (empty means webhook), checked with the token it needs: one for Splunk and Datadog, none for
    a webhook (which the signature authenticates)."""
    format_name = format_name or WEBHOOK
    violations = Violations()
    if format_name not in FORMATS:
        violations.add("format", f"one of {', '.join(FORMATS)}")
    elif format_name == WEBHOOK and token:
        violations.add("destination_token", "a webhook takes no token (its batches are signed)")
    elif format_name != WEBHOOK and not TOKEN.fullmatch(token):
        violations.add("destination_token", "the Splunk HEC token or Datadog API key: 8 to 512 visible characters")
    violations.raise_if_any("The log stream's destination is not accepted.")
    return format_name


def _epoch(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(event["occurred_at"])).timestamp()


def _summary(event: dict[str, Any]) -> str:
    actor, target = event["actor"], event["target"]
    who = actor.get("display") or actor.get("id") or actor.get("type")
    return f"{event['action']} by {who} on {target.get('type')} {target.get('display') or target.get('id')}".strip()


def body(format_name: str, stream_id: str, organization_id: str, events: Sequence[dict[str, Any]]) -> bytes:
    """The bytes posted for one batch (the signature is computed over exactly these)."""
    if format_name == SPLUNK_HEC:
        return "".join(
            json.dumps(
                {
                    "time": _epoch(event),
                    "host": HOSTNAME,
                    "source": SOURCE,
                    "sourcetype": SOURCETYPE,
                    "event": {**event, "organization_id": organization_id, "stream_id": stream_id},
                },
                separators=(",", ":"),
                ensure_ascii=False,
            )
            for event in events
        ).encode()
    if format_name == DATADOG:
        tags = f"organization_id:{organization_id},stream_id:{stream_id}"
        logs = [
            {
                "ddsource": SOURCE,
                "service": SERVICE,
                "hostname": HOSTNAME,
                "ddtags": f"{tags},action:{event['action']}",
                "message": _summary(event),
                "date": event["occurred_at"],
                "organization_id": organization_id,
                **event,
            }
            for event in events
        ]
        return json.dumps(logs, separators=(",", ":"), ensure_ascii=False).encode()
    document = {"stream_id": stream_id, "organization_id": organization_id, "events": list(events)}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def auth_headers(format_name: str, token: str) -> dict[str, str]:
    if format_name == SPLUNK_HEC:
        return {"Authorization": f"Splunk {token}"}
    if format_name == DATADOG:
        return {"DD-API-KEY": token}
    return {}
