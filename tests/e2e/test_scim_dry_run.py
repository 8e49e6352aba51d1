"""SCIM dry-run mode and automatic seat purchase end to end, the suite as real processes: an Entra-shaped sync in
dry-run mode is answered as if applied, changes nothing and is listed over REST; the same sync live then applies,
reusing the ids the dry run gave; turning dry-run off is audited. With true-up on, a SCIM create past the last free
seat buys one within the cap (audited with the SCIM token as actor) and is refused beyond it."""

from __future__ import annotations

from typing import Any

import httpx
from scim2_models import BulkRequest

from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client, wait_for
from tests.e2e.scim_peer import USER_SCHEMA, scim_fixture, scim_http, scim_token
from tests.e2e.test_scim_holds import enterprise

__all__ = ["enterprise"]


def _entra_sync(http: httpx.Client, users: dict[str, str] | None = None) -> tuple[str, str]:
    """Entra's shapes: create a user and a group, add and remove members in one PATCH, disable the user. The ids
    the provider was given for the user and the group."""
    created = http.post("/Users", json=scim_fixture("entra_create_user.json"))
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    group = http.post("/Groups", json=scim_fixture("entra_create_group.json"))
    assert group.status_code == 201, group.text
    group_id = group.json()["id"]
    ids = users or {"USER_A": user_id, "USER_B": user_id, "USER_C": user_id}
    patched = http.patch(f"/Groups/{group_id}", json=scim_fixture("entra_patch_group_members.json", **ids))
    assert patched.status_code == 204, patched.text
    disabled = http.patch(f"/Users/{user_id}", json=scim_fixture("entra_disable_user.json"))
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["active"] is False
    return user_id, group_id


def test_an_entra_sync_in_dry_run_is_recorded_then_applies_live_with_the_same_ids(enterprise: Suite) -> None:
    suite = enterprise
    owner = create_owner(suite)
    secret, token_id = scim_token(suite, owner)
    with signed_in_client(suite, owner) as portal:
        on = portal.put(
            "/v1/scim/provisioning-settings", json={"dry_run": True, "auto_purchase_seats": False, "max_seats": 0}
        )
        assert on.status_code == 200, on.text
        assert portal.put("/v1/scim/provisioning-settings", json={"dry_run": True}).status_code == 422

        with scim_http(suite, secret) as http:
            dry_user, dry_group = _entra_sync(http)
            # Nothing changed: the user and group are not there, the members are the Owner alone.
            assert http.get(f"/Users/{dry_user}").status_code == 404
            assert http.get(f"/Groups/{dry_group}").status_code == 404
        assert [m["email"] for m in portal.get("/v1/members").json()["members"]] == [owner.email]

        first = portal.get("/v1/scim/dry-run-changes", params={"page_size": 2})
        assert first.status_code == 200, first.text
        rest = portal.get("/v1/scim/dry-run-changes", params={"page_token": first.json()["next_page_token"]}).json()
        recorded = first.json()["changes"] + rest["changes"]
        assert [(c["kind"], c["target_id"]) for c in recorded] == [
            ("create_user", dry_user),
            ("create_group", dry_group),
            ("patch_group", dry_group),
            ("patch_user", dry_user),
        ]
        assert recorded[0]["target"] == "Alice@contoso.test"
        assert "active: true -> false" in recorded[3]["summary"]
        assert {c["requested_by"] for c in recorded} == {token_id}

        # Bulk runs each operation through the same writes: recorded, answered as applied, nothing created.
        with scim_http(suite, secret) as http:
            bulk = http.post(
                "/Bulk",
                json={
                    "schemas": [BulkRequest.__schema__],
                    "Operations": [
                        {"method": "POST", "path": "/Users", "bulkId": "ed", "data": {"userName": "ed@contoso.test"}},
                        {
                            "method": "POST",
                            "path": "/Groups",
                            "data": {"displayName": "Bulk dry", "members": [{"value": "bulkId:ed"}]},
                        },
                        {"method": "DELETE", "path": f"/Users/{dry_user}"},
                    ],
                },
            )
            assert bulk.status_code == 200, bulk.text
            assert [r["status"] for r in bulk.json()["Operations"]] == ["201", "201", "204"]
            ed = http.get("/Users", params={"filter": 'userName eq "ed@contoso.test"'}).json()
            assert ed["totalResults"] == 0
        kinds = [c["kind"] for c in portal.get("/v1/scim/dry-run-changes").json()["changes"]]
        assert kinds[4:] == ["create_user", "create_group", "delete_user"]

        off = portal.put(
            "/v1/scim/provisioning-settings", json={"dry_run": False, "auto_purchase_seats": False, "max_seats": 0}
        )
        assert off.status_code == 200 and off.json()["dry_run"] is False
        with scim_http(suite, secret) as http:
            live_user, live_group = _entra_sync(http)
            assert (live_user, live_group) == (dry_user, dry_group)
            assert http.get(f"/Users/{live_user}").json()["active"] is False
            assert http.get(f"/Groups/{live_group}").json()["displayName"] == "Contoso Engineering"

        # The live sync recorded nothing more; the records clear.
        assert len(portal.get("/v1/scim/dry-run-changes").json()["changes"]) == 7
        cleared = portal.delete("/v1/scim/dry-run-changes")
        assert cleared.status_code == 200 and cleared.json()["cleared"] == 7
        assert portal.get("/v1/scim/dry-run-changes").json()["changes"] == []

        def disabled_entries() -> list[dict[str, Any]] | None:
            found = portal.get("/v1/audit/entries", params={"action_prefix": "scim_settings."}).json()["entries"]
            return found if "scim_settings.dry_run_disabled" in {e["action"] for e in found} else None

        entries = wait_for(disabled_entries, timeout=30)
        assert {e["actor"]["type"] for e in entries} == {"user"}


def test_scim_buys_a_seat_within_the_cap_and_is_refused_beyond_it(enterprise: Suite) -> None:
    suite = enterprise
    owner = create_owner(suite)
    secret, _ = scim_token(suite, owner)
    with signed_in_client(suite, owner) as portal:
        seats = wait_for(
            lambda: (
                portal.get("/v1/billing/seats").json() if portal.get("/v1/billing/seats").json()["in_use"] else None
            ),
            timeout=30,
        )
        purchased = seats["purchased"]
        allowed = portal.put(
            "/v1/scim/provisioning-settings",
            json={"dry_run": False, "auto_purchase_seats": True, "max_seats": purchased + 1},
        )
        assert allowed.status_code == 200, allowed.text
        with scim_http(suite, secret) as http:
            for n in range(purchased - seats["in_use"] + 1):
                made = http.post("/Users", json={"schemas": [USER_SCHEMA], "userName": f"p{n}@contoso.test"})
                assert made.status_code == 201, made.text
            refused = http.post("/Users", json={"schemas": [USER_SCHEMA], "userName": "last@contoso.test"})
            assert refused.status_code == 409, refused.text
            assert "cap" in refused.json()["detail"]
        after = portal.get("/v1/billing/seats").json()
        assert (after["purchased"], after["in_use"]) == (purchased + 1, purchased + 1)

        def true_up_entries() -> list[dict[str, Any]] | None:
            found = portal.get("/v1/audit/entries", params={"action_prefix": "scim_true_up."}).json()["entries"]
            actions = {e["action"] for e in found}
            return found if {"scim_true_up.seat_purchased", "scim_true_up.cap_reached"} <= actions else None

        entries = wait_for(true_up_entries, timeout=30)
        assert {e["actor"]["type"] for e in entries} == {"scim"}
