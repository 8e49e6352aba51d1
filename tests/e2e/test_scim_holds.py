"""The SCIM safety hold end to end, the suite as real processes: the identity provider's deprovision past the
threshold gets a SCIM 503 with Retry-After and changes nothing; the Owner sees it over REST, approves it, and the
audit log records the hold and the approval."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client, wait_for
from tests.e2e.scim_peer import DEACTIVATE, USER_SCHEMA, scim_http, scim_token, start_enterprise_suite


@pytest.fixture
def enterprise(tmp_path: Path) -> Iterator[Suite]:
    """The suite whose new organizations get the Enterprise plan (it has "scim")."""
    running = start_enterprise_suite(tmp_path)
    yield running
    running.stop()


def test_a_mass_deprovision_is_held_until_the_owner_approves_it(enterprise: Suite) -> None:
    suite = enterprise
    owner = create_owner(suite)
    secret, _ = scim_token(suite, owner)
    with scim_http(suite, secret) as http:
        user_ids = []
        for n in range(6):
            created = http.post("/Users", json={"schemas": [USER_SCHEMA], "userName": f"user{n}@acme.test"})
            assert created.status_code == 201, created.text
            user_ids.append(created.json()["id"])
        # Seven members: the floor of five deprovisions an hour applies.
        for user_id in user_ids[:5]:
            assert http.patch(f"/Users/{user_id}", json=DEACTIVATE).status_code == 200
        held = http.delete(f"/Users/{user_ids[5]}")
        assert held.status_code == 503, held.text
        assert int(held.headers["Retry-After"]) > 0
        assert held.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert "Owner" in held.json()["detail"]
        assert http.get(f"/Users/{user_ids[5]}").json()["active"] is True

        with signed_in_client(suite, owner) as portal:
            waiting = portal.get("/v1/scim/held-changes")
            assert waiting.status_code == 200, waiting.text
            assert [(c["member_id"], c["action"]) for c in waiting.json()["held_changes"]] == [(user_ids[5], "remove")]
            refused = portal.put("/v1/scim/hold-policy", json={"percent": 0, "floor": 5})
            assert refused.status_code == 422
            approved = portal.post("/v1/scim/held-changes/approve")
            assert approved.status_code == 200, approved.text
            assert len(approved.json()["held_changes"]) == 1
            assert portal.get("/v1/scim/held-changes").json()["held_changes"] == []

            def hold_entries() -> list[dict[str, Any]] | None:
                found = portal.get("/v1/audit/entries", params={"action_prefix": "scim_hold."}).json()["entries"]
                return found if {"scim_hold.held", "scim_hold.approved"} <= {e["action"] for e in found} else None

            entries = wait_for(hold_entries, timeout=30)
            assert {e["actor"]["type"] for e in entries} == {"scim", "user"}
        assert http.get(f"/Users/{user_ids[5]}").status_code == 404
