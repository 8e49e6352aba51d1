"""Groups through the REST API and real processes: an Owner organises teams and workspaces, new members
join the default group, and every change reaches the audit log with the members it concerned."""

from __future__ import annotations

from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, wait_for


def test_an_owner_organises_teams_and_workspaces_and_the_audit_log_names_who_joined(
    suite: Suite, smtp_inbox: SmtpInbox
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        everyone = client.post("/v1/groups", json={"name": "Everyone", "is_default": True, "category": "Company"})
        assert everyone.status_code == 201, everyone.text
        spaces = [
            client.post("/v1/groups", json={"name": f"Space {i}", "kind": "workspace"}).json()["group"]
            for i in range(11)
        ]
        invited = client.post("/v1/invitations", json={"invitees": [{"email": "ann@acme.test"}]}).json()
        ann = invited["results"][0]["member"]

        found = client.get("/v1/members", params={"search": "ANN", "order_by": "email"}).json()["members"]
        assert [m["email"] for m in found] == ["ann@acme.test"]
        in_group = client.get("/v1/members", params={"group_id": everyone.json()["group"]["id"]}).json()["members"]
        assert [m["email"] for m in in_group] == ["ann@acme.test", owner.email]
        default_members = client.get(f"/v1/groups/{everyone.json()['group']['id']}/members").json()["members"]
        assert ann["id"] in {m["member_id"] for m in default_members}

        too_many = client.post(f"/v1/members/{ann['id']}/groups", json={"group_ids": [s["id"] for s in spaces]})
        assert too_many.status_code == 400, too_many.text
        assert too_many.json()["reason"] == "TOO_MANY_WORKSPACES"
        ten = client.post(f"/v1/members/{ann['id']}/groups", json={"group_ids": [s["id"] for s in spaces[:10]]})
        assert [r["error"] for r in ten.json()["results"]] == [None] * 10

        workspaces = client.get("/v1/groups", params={"kind": "workspace", "page_size": 5}).json()
        assert len(workspaces["groups"]) == 5 and workspaces["next_page_token"]
        renamed = client.patch(
            f"/v1/groups/{spaces[0]['id']}",
            json={"name": "Launch"},
            headers={"If-Match": spaces[0]["etag"]},
        )
        assert renamed.status_code == 200, renamed.text
        stale = client.patch(
            f"/v1/groups/{spaces[0]['id']}", json={"name": "Again"}, headers={"If-Match": spaces[0]["etag"]}
        )
        assert stale.status_code == 412
        taken = client.post("/v1/groups", json={"name": "launch"})
        assert taken.status_code == 409

        def joined_entry() -> dict | None:
            entries = client.get("/v1/audit/entries", params={"action": "group.members_added"}).json()["entries"]
            return next((e for e in entries if ann["id"] in e["details"].get("member_ids", [])), None)

        entry = wait_for(joined_entry)
        assert entry["target_type"] == "group" and entry["actor"]["display"] == owner.email
        bulk = client.post(
            "/v1/members/bulk",
            json={
                "member_ids": [ann["id"], "no-such-member"],
                "action": "remove_from_groups",
                "group_ids": [spaces[1]["id"]],
            },
        )
        reasons = [r["error"] and r["error"]["reason"] for r in bulk.json()["results"]]
        assert reasons == [None, "NOT_FOUND"], bulk.text
        bulk_role = client.post(
            "/v1/members/bulk", json={"member_ids": [ann["id"]], "action": "change_role", "role": "user_admin"}
        )
        assert bulk_role.json()["results"][0]["member"]["role"] == "user_admin", bulk_role.text
        assert client.post("/v1/members/bulk", json={"member_ids": [ann["id"]], "action": "explode"}).status_code == 422
        assert client.delete(f"/v1/groups/{spaces[10]['id']}").status_code == 204
        assert client.get(f"/v1/groups/{spaces[10]['id']}").status_code == 404
