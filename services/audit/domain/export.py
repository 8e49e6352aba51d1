"""The export format: JSON lines a verifier can check offline.

Each entry line carries exactly the fields its hash covers (plus sequence, prev_hash, hash, recorded_at);
each checkpoint line what its signature covers. The key set is published separately (GetCheckpointKeySet,
`GET /v1/audit/checkpoint-keys`) as {"keys": [{key_id, public_key, valid_from, valid_until}]}.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

import orjson

from services.audit.domain.checkpoints import Checkpoint, PublicKey
from services.audit.domain.model import AuditEntry, AuditRecord

# Keys sorted, no spaces, UTF-8 as is, datetimes as ISO 8601 with their offset: the lines json.dumps(sort_keys=True,
# separators=(",", ":"), ensure_ascii=False) wrote, at several times its speed (exports run to millions of lines).
_LINE_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def _line(value: dict[str, Any]) -> bytes:
    return orjson.dumps(value, option=_LINE_OPTIONS)


def entry_line(entry: AuditEntry) -> bytes:
    # The record's own field dict, read not copied (dataclasses.asdict deep-copies every value, per entry; orjson
    # writes a dataclass's fields unsorted).
    return _line(
        {
            "kind": "entry",
            "record": vars(entry.record),
            "sequence": entry.sequence,
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
            "recorded_at": entry.recorded_at,
        }
    )


def checkpoint_line(checkpoint: Checkpoint) -> bytes:
    return _line({"kind": "checkpoint", **asdict(checkpoint)})


def parse_export(lines: Iterable[str]) -> tuple[list[AuditEntry], list[Checkpoint]]:
    """Entries and checkpoints of an export file, in file order (the verifier judges that order)."""
    entries: list[AuditEntry] = []
    checkpoints: list[Checkpoint] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
            if value["kind"] == "entry":
                record = dict(value["record"])
                record["occurred_at"] = datetime.fromisoformat(record["occurred_at"])
                entries.append(
                    AuditEntry(
                        AuditRecord(**record),
                        int(value["sequence"]),
                        str(value["prev_hash"]),
                        str(value["hash"]),
                        datetime.fromisoformat(value["recorded_at"]),
                    )
                )
            elif value["kind"] == "checkpoint":
                fields = {k: v for k, v in value.items() if k != "kind"}
                fields["signed_at"] = datetime.fromisoformat(fields["signed_at"])
                checkpoints.append(Checkpoint(**fields))
            else:
                raise ValueError(f"unknown kind {value['kind']!r}")
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"line {number} of the export is not an entry or a checkpoint: {exc}") from exc
    return entries, checkpoints


def key_set_document(keys: Iterable[PublicKey]) -> dict[str, Any]:
    return {
        "keys": [
            {
                "key_id": key.key_id,
                "algorithm": "Ed25519",
                "public_key": key.public_key,
                "valid_from": key.valid_from.isoformat(),
                "valid_until": key.valid_until.isoformat() if key.valid_until else None,
            }
            for key in keys
        ]
    }


def parse_key_set(document: dict[str, Any]) -> list[PublicKey]:
    """Keys from the key-set document (the REST answer, or the file an auditor saved)."""
    return [
        PublicKey(
            str(key["key_id"]),
            str(key["public_key"]),
            datetime.fromisoformat(key["valid_from"].replace("Z", "+00:00")),
            datetime.fromisoformat(key["valid_until"].replace("Z", "+00:00")) if key.get("valid_until") else None,
        )
        for key in document["keys"]
    ]
