"""Hostile input through the gateway app in process: every case is refused with a 4xx problem document
naming the field, and nothing is written."""

from __future__ import annotations

import json
from typing import Any

import httpx

from gateway.tests.hostile import Hostile, body_cases, deep_nesting_cases, query_cases

SNAPSHOT_PATHS = (
    "/v1/organization",
    "/v1/members",
    "/v1/groups",
    "/v1/roles",
    "/v1/profile-fields",
    "/v1/api-keys",
    "/v1/security-policy",
    "/v1/me/security",
)


async def snapshot(client: httpx.AsyncClient) -> dict[str, Any]:
    """What the Owner can read of the organization's state."""
    return {path: (await client.get(path)).json() for path in SNAPSHOT_PATHS}


async def send(client: httpx.AsyncClient, case: Hostile) -> httpx.Response:
    return await client.request(
        case.route.method,
        case.path,
        content=case.content,
        params=case.params,
        headers={"Content-Type": "application/json", "If-Match": "*"},
    )


def assert_refused_naming(response: httpx.Response, case: Hostile, status: int) -> None:
    assert response.status_code == status, (str(case), response.status_code, response.text[:500])
    assert response.headers["content-type"] == "application/problem+json", str(case)
    fields = [error["field"] for error in response.json()["errors"]]
    assert any(field == case.field or field.startswith(f"{case.field}.") for field in fields), (str(case), fields)


async def test_every_body_field_of_the_wrong_type_beyond_its_range_or_too_long_is_refused_naming_it(
    owner: httpx.AsyncClient,
) -> None:
    before = await snapshot(owner)
    cases = list(body_cases())
    assert len(cases) > 100
    for case in cases:
        assert_refused_naming(await send(owner, case), case, 422)
    assert await snapshot(owner) == before


async def test_page_sizes_out_of_range_and_unknown_enum_values_in_the_query_are_refused_naming_them(
    owner: httpx.AsyncClient,
) -> None:
    cases = list(query_cases())
    assert {case.field for case in cases} >= {"page_size", "status", "kind", "order_by", "format"}
    for case in cases:
        assert_refused_naming(await send(owner, case), case, 422)
    within = await owner.get("/v1/members", params={"page_size": 200})
    assert within.status_code == 200, within.text


async def test_json_nested_a_hundred_thousand_levels_deep_is_a_bad_request_not_an_error(
    owner: httpx.AsyncClient,
) -> None:
    before = await snapshot(owner)
    for case in deep_nesting_cases():
        response = await send(owner, case)
        assert response.status_code == 400, (str(case), response.status_code, response.text[:300])
        assert response.json()["reason"] == "INVALID_ARGUMENT"
        assert response.json()["errors"][0]["field"] == "body"
    assert await snapshot(owner) == before


async def test_a_megabyte_where_a_name_belongs_is_refused_and_the_name_is_unchanged(owner: httpx.AsyncClient) -> None:
    before = await snapshot(owner)
    megabyte = "n" * 1_000_000
    long_name = await owner.patch("/v1/organization", json={"display_name": megabyte})
    assert (long_name.status_code, long_name.json()["errors"][0]["field"]) == (422, "display_name")
    too_large = await owner.patch("/v1/organization", json={"display_name": megabyte * 2})
    assert (too_large.status_code, too_large.json()["errors"][0]["field"]) == (413, "body")
    group = await owner.post("/v1/groups", json={"name": megabyte})
    assert (group.status_code, group.json()["errors"][0]["field"]) == (422, "name")
    assert await snapshot(owner) == before


async def test_group_ids_given_as_a_string_are_refused_and_nobody_is_invited(owner: httpx.AsyncClient) -> None:
    before = await snapshot(owner)
    invitation = {"invitees": [{"email": "ann@acme.test", "group_ids": "all-of-them"}]}
    invited = await owner.post("/v1/invitations", json=invitation)
    assert invited.status_code == 422, invited.text
    assert [e["field"] for e in invited.json()["errors"]] == ["invitees.0.group_ids"]
    member_id = before["/v1/members"]["members"][0]["id"]
    added = await owner.post(f"/v1/members/{member_id}/groups", json={"group_ids": "all-of-them"})
    assert [e["field"] for e in added.json()["errors"]] == ["group_ids"]
    bulk = await owner.post("/v1/members/bulk", json={"member_ids": [member_id], "action": "remove", "group_ids": "x"})
    assert [e["field"] for e in bulk.json()["errors"]] == ["group_ids"]
    assert await snapshot(owner) == before


async def test_a_session_timeout_beyond_its_range_is_refused_and_the_policy_is_unchanged(
    owner: httpx.AsyncClient,
) -> None:
    before = await snapshot(owner)
    for value in (2**31, 2**64, 59, "1800", 1800.5, True):
        refused = await owner.patch("/v1/security-policy", json={"session_idle_timeout_seconds": value})
        assert refused.status_code == 422, (value, refused.text)
        assert refused.json()["errors"][0]["field"] == "session_idle_timeout_seconds"
    assert await snapshot(owner) == before


async def test_malformed_json_and_a_body_that_is_not_an_object_are_refused(owner: httpx.AsyncClient) -> None:
    broken = await owner.post("/v1/roles", content=b'{"key": ', headers={"Content-Type": "application/json"})
    assert (broken.status_code, broken.json()["errors"][0]["field"]) == (400, "body")
    listed = await owner.post("/v1/roles", content=json.dumps(["key"]), headers={"Content-Type": "application/json"})
    assert (listed.status_code, listed.json()["errors"][0]["field"]) == (422, "body")
    bad_unicode = await owner.post(
        "/v1/roles", content=b'{"key": "\xff"}', headers={"Content-Type": "application/json"}
    )
    assert bad_unicode.status_code == 400


async def test_an_over_long_idempotency_key_or_path_id_is_refused_naming_it(owner: httpx.AsyncClient) -> None:
    key = await owner.post("/v1/groups", json={"name": "Keyed"}, headers={"Idempotency-Key": "k" * 256})
    assert (key.status_code, key.json()["errors"][0]["field"]) == (400, "Idempotency-Key")
    path = await owner.get(f"/v1/groups/{'g' * 65}")
    assert (path.status_code, path.json()["errors"][0]["field"]) == (422, "group_id")
    assert "Keyed" not in {group["name"] for group in (await owner.get("/v1/groups")).json()["groups"]}


async def test_a_domain_path_parameter_over_253_characters_or_not_a_dns_name_is_refused_naming_it(
    owner: httpx.AsyncClient,
) -> None:
    claimed = await owner.post("/v1/sso/domains", json={"domain": "acme.test"})
    assert claimed.status_code == 201, claimed.text
    label = "a" * 63
    too_long = ".".join([label, label, label, "b" * 61, "test"])  # 63*3 + 61 + 4 + 4 dots = 258 characters
    hostile = [too_long, f"{'a' * 64}.test", "-acme.test", "acme-.test", "acme..test", "ac_me.test", "acme test"]
    for domain in hostile:
        for method, path in (
            ("GET", f"/v1/sso/domains/{domain}"),
            ("POST", f"/v1/sso/domains/{domain}/verify"),
            ("DELETE", f"/v1/sso/domains/{domain}"),
        ):
            response = await owner.request(method, path)
            assert response.status_code == 422, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert [error["field"] for error in response.json()["errors"]] == ["domain"], (method, path)
    listed = (await owner.get("/v1/sso/domains")).json()["domains"]
    assert [domain["domain"] for domain in listed] == ["acme.test"]
