"""SCIM 2.0 end to end: the suite as real processes, scim2-client (over httpx) as the identity provider's client,
Entra ID's and Okta's documented payloads as fixtures (tests/e2e/fixtures/scim/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scim2_models import (
    BulkRequest,
    BulkResponse,
    EnterpriseUser,
    Group,
    PatchOp,
    ResourceType,
    SCIMException,
    ScimProvider,
    SearchRequest,
    User,
)

from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client, wait_for
from tests.e2e.scim_peer import (
    SCIM_TYPE,
    HttpxScimClient,
    revoke_scim_token,
    scim_fixture,
    scim_http,
    scim_token,
    start_enterprise_suite,
)


@pytest.fixture
def enterprise_suite(tmp_path: Path) -> Iterator[Suite]:
    """The suite whose new organizations get the Enterprise plan (it has "scim")."""
    running = start_enterprise_suite(tmp_path)
    yield running
    running.stop()


def test_C2_okta_spec_shapes_and_C3_quirks_through_scim2_client(enterprise_suite: Suite) -> None:
    suite = enterprise_suite
    owner = create_owner(suite)
    secret, _ = scim_token(suite, owner)
    with scim_http(suite, secret) as http:
        provider = ScimProvider(
            models=[User, EnterpriseUser], resource_types=[ResourceType.from_resource(User[EnterpriseUser])]
        )
        # scim2-client's generics do not narrow per call (create/query answer a union of every model): Any here.
        scim: Any = HttpxScimClient(http, provider=provider)
        scim.discover(schemas=False)

        created = scim.create(
            User[EnterpriseUser](user_name="Ana.Silva@acme.test", display_name="Ana Silva", external_id="okta-1")
        )
        assert created.id and created.meta and created.meta.version
        # Okta checks whether the user exists with a case-insensitive userName filter.
        found = scim.query(
            User[EnterpriseUser],
            query_parameters=SearchRequest.model_validate({"filter": 'userName eq "ana.silva@ACME.test"'}),
        )
        assert found.total_results == 1 and found.resources[0].id == created.id
        none = scim.query(
            User[EnterpriseUser],
            query_parameters=SearchRequest.model_validate({"filter": 'userName eq "nobody@acme.test"'}),
        )
        assert none.total_results == 0
        with pytest.raises(SCIMException):
            scim.create(User[EnterpriseUser](user_name="ANA.SILVA@acme.test"))

        page = http.get("/Users", params={"startIndex": 1, "count": 1})
        assert page.status_code == 200 and page.headers["content-type"].startswith(SCIM_TYPE)
        body = page.json()
        assert isinstance(body["itemsPerPage"], int) and body["startIndex"] == 1 and body["totalResults"] >= 2

        unknown = http.get("/Users/00000000-0000-0000-0000-000000000000")
        assert unknown.status_code == 404
        assert unknown.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        duplicate = http.post("/Users", json={"schemas": [User.__schema__], "userName": "ana.silva@acme.test"})
        assert duplicate.status_code == 409 and duplicate.json()["scimType"] == "uniqueness"
        bad_filter = http.get("/Users", params={"filter": 'userName eq "a" and'})
        assert bad_filter.status_code == 400 and bad_filter.json()["scimType"] == "invalidFilter"

        # Entra: PascalCase op, "False" as a string, work email by value path; Okta: no path.
        for name in ("entra_patch_user.json", "okta_patch_user.json"):
            patched = http.patch(f"/Users/{created.id}", json=scim_fixture(name))
            assert patched.status_code == 200, patched.text
        user = http.get(f"/Users/{created.id}").json()
        assert user["active"] is False
        assert user["emails"][0]["value"] == "ana.silva@work.acme.test"
        assert user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"] == "Sales"

        stale = http.patch(
            f"/Users/{created.id}",
            json=scim_fixture("okta_patch_user.json"),
            headers={"If-Match": created.meta.version},
        )
        assert stale.status_code == 412

    with scim_http(suite, "scim_bad_token") as http:
        refused = http.get("/Users")
        assert refused.status_code == 401
        assert refused.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_C4_entra_provisions_updates_and_deprovisions_a_member_end_to_end(enterprise_suite: Suite) -> None:
    suite = enterprise_suite
    owner = create_owner(suite)
    secret, token_id = scim_token(suite, owner)
    with scim_http(suite, secret) as http:
        created = http.post("/Users", json=scim_fixture("entra_create_user.json"))
        assert created.status_code == 201, created.text
        user_id = created.json()["id"]
        assert created.json()["externalId"] == "0a21f0f2-8d2a-4f8e-bf98-7b2f2d2b5c3d"

        with signed_in_client(suite, owner) as portal:
            members = portal.get("/v1/members").json()
            assert "alice@contoso.test" in [m["email"] for m in members["members"]]

        deactivated = http.patch(f"/Users/{user_id}", json=scim_fixture("entra_disable_user.json"))
        assert deactivated.status_code == 200 and deactivated.json()["active"] is False
        assert http.delete(f"/Users/{user_id}").status_code == 204
        assert http.get(f"/Users/{user_id}").status_code == 404

    # A retried POST after a client timeout finds the user instead of creating a second one (C5).
    with scim_http(suite, secret) as http:
        first = http.post("/Users", json=scim_fixture("entra_create_user.json"), headers={"Idempotency-Key": "entra-1"})
        again = http.post("/Users", json=scim_fixture("entra_create_user.json"), headers={"Idempotency-Key": "entra-1"})
        assert first.status_code == 201 and again.json()["id"] == first.json()["id"]

    # Another organization's token never reaches these users (404, as if they did not exist).
    other = create_owner(suite, email="owner@globex.test")
    other_secret, _ = scim_token(suite, other)
    with scim_http(suite, other_secret) as http:
        assert http.get(f"/Users/{first.json()['id']}").status_code == 404
        assert http.get("/Users", params={"filter": 'userName eq "alice@contoso.test"'}).json()["totalResults"] == 0

    # A revoked token fails at once (C5).
    revoke_scim_token(suite, owner, token_id)
    with scim_http(suite, secret) as http:
        assert http.get("/Users").status_code == 401


def test_entra_and_okta_group_shapes_provision_groups_that_people_cannot_edit(enterprise_suite: Suite) -> None:
    suite = enterprise_suite
    owner = create_owner(suite)
    secret, _ = scim_token(suite, owner)
    with scim_http(suite, secret) as http:
        provider = ScimProvider(
            models=[User, EnterpriseUser, Group],
            resource_types=[ResourceType.from_resource(User[EnterpriseUser]), ResourceType.from_resource(Group)],
        )
        scim: Any = HttpxScimClient(http, provider=provider)
        scim.discover(schemas=False)
        assert {r["id"] for r in http.get("/ResourceTypes").json()["Resources"]} == {"User", "Group"}
        users = {
            key: scim.create(User[EnterpriseUser](user_name=f"{key.lower()}@contoso.test")).id
            for key in ("USER_A", "USER_B", "USER_C")
        }

        # Entra: create, look up by displayName without members, add and remove members in one PATCH, rename.
        created = http.post("/Groups", json=scim_fixture("entra_create_group.json"))
        assert created.status_code == 201, created.text
        entra_id = created.json()["id"]
        assert created.json()["externalId"] == "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"
        found = http.get(
            "/Groups", params={"excludedAttributes": "members", "filter": 'displayName eq "Contoso Engineering"'}
        ).json()
        assert found["totalResults"] == 1 and "members" not in found["Resources"][0]
        assert (
            http.patch(f"/Groups/{entra_id}", json=scim_fixture("entra_patch_group_members.json", **users)).status_code
            == 204
        )
        assert http.patch(f"/Groups/{entra_id}", json=scim_fixture("entra_patch_group_name.json")).status_code == 204
        group = scim.query(Group, entra_id)
        assert group.display_name == "Contoso Engineering (all)"
        assert sorted(m.value for m in group.members) == sorted([users["USER_B"], users["USER_C"]])
        by_member = http.get("/Groups", params={"filter": f'members[value eq "{users["USER_C"]}"]'}).json()
        assert [g["id"] for g in by_member["Resources"]] == [entra_id]

        # Okta: create with members, no-path rename, add plus a members[value eq] remove.
        okta = http.post("/Groups", json=scim_fixture("okta_create_group.json", **users)).json()
        okta_ids = {**users, "GROUP_ID": okta["id"]}
        assert (
            http.patch(
                f"/Groups/{okta['id']}", json=scim_fixture("okta_patch_group_rename.json", **okta_ids)
            ).status_code
            == 204
        )
        assert (
            http.patch(
                f"/Groups/{okta['id']}", json=scim_fixture("okta_patch_group_members.json", **okta_ids)
            ).status_code
            == 204
        )
        okta_group = http.get(f"/Groups/{okta['id']}")
        assert okta_group.json()["displayName"] == "Okta Sales EMEA"
        assert [m["value"] for m in okta_group.json()["members"]] == [users["USER_B"]]

        # scim2-client's own PATCH and If-Match: a stale version is refused.
        etag = okta_group.headers["ETag"]
        patch = PatchOp[Group].model_validate(
            {"Operations": [{"op": "add", "path": "members", "value": [{"value": users["USER_C"]}]}]}
        )
        scim.modify(Group, okta["id"], patch)
        stale = http.patch(
            f"/Groups/{okta['id']}",
            json=scim_fixture("okta_patch_group_rename.json", **okta_ids),
            headers={"If-Match": etag},
        )
        assert stale.status_code == 412
        duplicate = http.post("/Groups", json={"schemas": [Group.__schema__], "displayName": "okta sales emea"})
        assert duplicate.status_code == 409 and duplicate.json()["scimType"] == "uniqueness"

        # People cannot edit a SCIM-managed group through REST; the identity provider still deletes it.
        with signed_in_client(suite, owner) as portal:
            current = portal.get(f"/v1/groups/{entra_id}")
            assert current.json()["group"]["scim_managed"] is True
            refused = portal.patch(
                f"/v1/groups/{entra_id}", json={"name": "Mine now"}, headers={"If-Match": current.headers["ETag"]}
            )
            assert refused.status_code == 409 and "identity provider" in refused.json()["detail"]

            def group_entries() -> list[dict[str, Any]] | None:
                found = portal.get("/v1/audit/entries", params={"action_prefix": "group."}).json()["entries"]
                return found if {"group.created", "group.members_removed"} <= {e["action"] for e in found} else None

            # Audit sees the group events, with the SCIM token as their actor.
            entries = wait_for(group_entries, timeout=30)
            assert {e["actor"]["type"] for e in entries} == {"scim"}
        scim.delete(Group, entra_id)
        assert http.get(f"/Groups/{entra_id}").status_code == 404


def test_bulk_resolves_bulk_ids_in_any_order_and_keeps_its_advertised_limits(enterprise_suite: Suite) -> None:
    suite = enterprise_suite
    owner = create_owner(suite)
    secret, _ = scim_token(suite, owner)
    with scim_http(suite, secret) as http:
        config = http.get("/ServiceProviderConfig").json()["bulk"]
        assert config == {"supported": True, "maxOperations": 100, "maxPayloadSize": 1024 * 1024}

        # The group comes first and names users created later in the same request.
        reply = http.post(
            "/Bulk",
            json={
                "schemas": [BulkRequest.__schema__],
                "Operations": [
                    {
                        "method": "POST",
                        "path": "/Groups",
                        "bulkId": "team",
                        "data": {
                            "displayName": "Bulk team",
                            "members": [{"value": "bulkId:ana"}, {"value": "bulkId:bo"}],
                        },
                    },
                    {"method": "POST", "path": "/Users", "bulkId": "ana", "data": {"userName": "ana@bulk.test"}},
                    {"method": "POST", "path": "/Users", "bulkId": "bo", "data": {"userName": "bo@bulk.test"}},
                    {
                        "method": "PATCH",
                        "path": "/Groups/bulkId:team",
                        "data": {"Operations": [{"op": "replace", "path": "displayName", "value": "Bulk team 2"}]},
                    },
                    {
                        "method": "POST",
                        "path": "/Groups",
                        "data": {"displayName": "Orphan", "members": [{"value": "bulkId:nobody"}]},
                    },
                ],
            },
        )
        assert reply.status_code == 200, reply.text
        results = BulkResponse[User | Group].model_validate(reply.json()).operations or []
        assert [r.status for r in results] == [201, 201, 201, 204, 409]
        group = http.get(str(results[0].location)).json()
        assert group["displayName"] == "Bulk team 2"
        user_ids = {str(results[1].location).rsplit("/", 1)[-1], str(results[2].location).rsplit("/", 1)[-1]}
        assert {m["value"] for m in group["members"]} == user_ids

        # failOnErrors: 1 stops after the first error; what follows is not run.
        stopped = http.post(
            "/Bulk",
            json={
                "schemas": [BulkRequest.__schema__],
                "failOnErrors": 1,
                "Operations": [
                    {"method": "POST", "path": "/Users", "data": {"userName": "ANA@bulk.test"}},
                    {"method": "POST", "path": "/Users", "data": {"userName": "cy@bulk.test"}},
                ],
            },
        ).json()
        assert [r["status"] for r in stopped["Operations"]] == ["409"]
        assert http.get("/Users", params={"filter": 'userName eq "cy@bulk.test"'}).json()["totalResults"] == 0

        too_many = [{"method": "DELETE", "path": f"/Users/{n}"} for n in range(101)]
        assert http.post("/Bulk", json={"schemas": [BulkRequest.__schema__], "Operations": too_many}).status_code == 413
        huge = {"schemas": [BulkRequest.__schema__], "Operations": [], "padding": "x" * (1024 * 1024)}
        assert http.post("/Bulk", json=huge).status_code == 413


def test_an_owner_manages_scim_tokens_over_rest_shown_once_rotated_with_overlap_and_revoked(
    enterprise_suite: Suite,
) -> None:
    suite = enterprise_suite
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as portal:
        created = wait_for(
            lambda: (reply := portal.post("/v1/scim-tokens", json={"name": "Entra"})).status_code == 201 and reply,
            timeout=30,
        )
        first = created.json()
        assert first["secret"] and first["scim_token"]["name"] == "Entra"
        listed = portal.get("/v1/scim-tokens").json()["scim_tokens"]
        assert [t["id"] for t in listed] == [first["scim_token"]["id"]] and "secret" not in listed[0]

        rotated = portal.post(f"/v1/scim-tokens/{first['scim_token']['id']}/rotate", json={"overlap_seconds": 0})
        assert rotated.status_code == 201, rotated.text
        second = rotated.json()
        with scim_http(suite, first["secret"]) as http:
            assert http.get("/Users").status_code == 401
        with scim_http(suite, second["secret"]) as http:
            assert http.get("/Users").status_code == 200

        revoked = portal.delete(f"/v1/scim-tokens/{second['scim_token']['id']}")
        assert revoked.status_code == 200 and revoked.json()["scim_token"]["revoke_time"]
        with scim_http(suite, second["secret"]) as http:
            assert http.get("/Users").status_code == 401
