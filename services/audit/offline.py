"""The operator's side of tamper evidence: export an organization's log with the key set, and verify an export
offline (no service, no database), as an auditor would."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.audit.v1 import audit_service_pb2_grpc as audit_grpc

from services.audit.domain.checkpoints import verify_log
from services.audit.domain.export import parse_export, parse_key_set
from services.common.principal import outgoing_metadata


async def export_log(*, token: str, audit_address: str, organization_id: str, output: Path, keys_output: Path) -> int:
    """Writes the log (JSON lines) and the key set (JSON); returns the bytes of log written."""
    written = 0
    async with grpc.aio.insecure_channel(audit_address) as channel:
        stub = audit_grpc.AuditServiceStub(channel)
        metadata = outgoing_metadata(token)
        with output.open("wb") as handle:
            page_token = ""
            while True:
                page = await stub.ExportLog(
                    audit_pb.ExportLogRequest(organization_id=organization_id, page_token=page_token),
                    metadata=metadata,
                    timeout=60,
                )
                handle.write(page.data)
                written += len(page.data)
                page_token = page.next_page_token
                if not page_token:
                    break
        key_set = await stub.GetCheckpointKeySet(audit_pb.GetCheckpointKeySetRequest(), metadata=metadata, timeout=30)
    keys = [_key_json(key) for key in key_set.keys]
    await asyncio.to_thread(keys_output.write_text, json.dumps({"keys": keys}, indent=2))
    return written


def _key_json(key: audit_pb.CheckpointKey) -> dict[str, Any]:
    as_dict = json_format.MessageToDict(key, preserving_proto_field_name=True)
    return {
        "key_id": key.key_id,
        "algorithm": key.algorithm,
        "public_key": key.public_key,
        "valid_from": as_dict["valid_from"],
        "valid_until": as_dict.get("valid_until"),
    }


def verify_export(log_file: Path, keys_file: Path) -> dict[str, object]:
    """The verdict on an exported log, computed here from the file and the public keys alone."""
    with log_file.open(encoding="utf-8") as handle:
        entries, checkpoints = parse_export(handle)
    keys = parse_key_set(json.loads(keys_file.read_text()))
    verdict = verify_log(entries, checkpoints, keys)
    return {
        "file": str(log_file),
        "intact": verdict.intact,
        "entries_checked": verdict.entries_checked,
        "checkpoints_checked": verdict.checkpoints_checked,
        "first_broken_sequence": verdict.first_broken_sequence,
        "reason": verdict.reason,
    }
