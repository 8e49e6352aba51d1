"""The audit log through the REST API against real processes: an auditor searches it, downloads it with its
signed checkpoints and the public key set, and verifies the download offline; an edit of the file is caught."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from services.audit.offline import verify_export
from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client, wait_for

PERMISSIONS = ["members.read", "members.invite", "audit.read", "seat.use"]


def test_an_auditor_searches_downloads_and_verifies_the_log_offline(suite: Suite, tmp_path: Path) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as browser:
        created = browser.post("/v1/api-keys", json={"name": "auditor", "permissions": PERMISSIONS})
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]

    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=suite.gateway_url, headers=headers, timeout=30) as api:
        invited = api.post(
            "/v1/invitations",
            json={"invitees": [{"email": "ann@acme.test"}, {"email": "bob@acme.test"}]},
            headers={"Idempotency-Key": "invite-ann-and-bob"},
        )
        assert invited.status_code in (200, 201, 207), invited.text

        def member_actions() -> list[dict[str, Any]] | None:
            found = api.get("/v1/audit/entries", params={"action_prefix": "member."})
            assert found.status_code == 200, found.text
            entries = [e for e in found.json()["entries"] if e["action"] == "member.invited"]
            return found.json()["entries"] if len(entries) == 2 else None

        entries = wait_for(member_actions, timeout=30)
        assert all(entry["action"].startswith("member.") for entry in entries)
        by_text = api.get("/v1/audit/entries", params={"text": "ANN@ACME", "action": "member.invited"})
        assert [e["target_display"] for e in by_text.json()["entries"]] == ["ann@acme.test"], by_text.text
        refused = api.get("/v1/audit/entries", params={"action_prefix": "Member*"})
        assert refused.status_code == 422, refused.text

        def checkpointed() -> bool:
            return bool(api.get("/v1/audit/checkpoints").json()["checkpoints"])

        wait_for(checkpointed, timeout=60)  # the worker signs a new chain's head on its next pass
        export = api.get("/v1/audit/export")
        assert export.status_code == 200, export.text
        assert export.headers["content-type"].startswith("application/x-ndjson")

    public = httpx.get(f"{suite.gateway_url}/v1/audit/checkpoint-keys", timeout=30)  # no credentials
    assert public.status_code == 200, public.text
    keys_file, log_file = tmp_path / "keys.json", tmp_path / "log.jsonl"
    keys_file.write_text(public.text)
    log_file.write_bytes(export.content)
    verdict = verify_export(log_file, keys_file)
    assert verdict["intact"] is True, verdict

    log_file.write_bytes(export.content.replace(b"bob@acme.test", b"eve@acme.test", 1))
    tampered = verify_export(log_file, keys_file)
    assert tampered["intact"] is False
    assert tampered["first_broken_sequence"]
