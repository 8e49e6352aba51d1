"""The headers the REST API honours: X-Request-Id (correlation only), strong ETags, If-Match (412 when stale,
428 where required) and the session's CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from gateway.routes import ROUTES
from gateway.routing import IfMatch
from services.common.testing import eventually

STRONG_ETAG = re.compile(r'^"[^"]+"$')


async def test_a_problem_carries_the_request_id_and_every_response_echoes_it(owner: httpx.AsyncClient) -> None:
    missing = await owner.get("/v1/groups/no-such-group", headers={"X-Request-Id": "trace-123"})
    assert missing.status_code == 404
    assert (missing.json()["request_id"], missing.headers["x-request-id"]) == ("trace-123", "trace-123")
    made = await owner.get("/v1/organization")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    refused = await owner.patch("/v1/organization", json={"display_name": 7}, headers={"X-Request-Id": "bad id"})
    assert refused.json()["request_id"] == refused.headers["x-request-id"] != "bad id"
    for path in ("/healthz", "/no-such-page", "/openapi.json"):
        assert (await owner.get(path)).headers["x-request-id"], path
    assert (await owner.get("/no-such-page")).json()["request_id"]


async def test_the_request_id_reaches_the_audit_log_and_is_never_an_idempotency_key(owner: httpx.AsyncClient) -> None:
    same_id = {"X-Request-Id": "one-request-id"}
    first = await owner.post("/v1/groups", json={"name": "First"}, headers=same_id)
    second = await owner.post("/v1/groups", json={"name": "Second"}, headers=same_id)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["group"]["id"] != second.json()["group"]["id"]

    async def audited() -> list[dict[str, str]]:
        entries = (await owner.get("/v1/audit/entries", params={"action": "group.created"})).json()["entries"]
        return entries if len(entries) == 2 else []

    entries = await eventually(audited, timeout=15)
    assert isinstance(entries, list)
    assert [entry["request_id"] for entry in entries] == ["one-request-id", "one-request-id"]


async def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(owner: httpx.AsyncClient) -> None:
    read = await owner.get("/v1/organization")
    etag = read.headers["etag"]
    assert STRONG_ETAG.match(etag) and read.json()["organization"]["etag"].endswith(etag)
    renamed = await owner.patch("/v1/organization", json={"display_name": "Acme Inc"}, headers={"If-Match": etag})
    assert renamed.status_code == 200, renamed.text
    assert renamed.headers["etag"] != etag
    stale = await owner.patch("/v1/organization", json={"display_name": "Acme Ltd"}, headers={"If-Match": etag})
    assert (stale.status_code, stale.json()["reason"]) == (412, "ETAG_MISMATCH")
    assert stale.headers["content-type"] == "application/problem+json"
    body_etag = renamed.json()["organization"]["etag"]  # the body's W/ form is accepted too
    again = await owner.patch("/v1/organization", json={"display_name": "Acme AG"}, headers={"If-Match": body_etag})
    assert again.status_code == 200, again.text
    assert (await owner.get("/v1/organization")).json()["organization"]["display_name"] == "Acme AG"
    malformed = await owner.patch("/v1/organization", json={"display_name": "X"}, headers={"If-Match": "3"})
    assert (malformed.status_code, malformed.json()["errors"][0]["field"]) == (400, "If-Match")

    policy = await owner.get("/v1/security-policy")
    assert STRONG_ETAG.match(policy.headers["etag"])
    changed = await owner.patch(
        "/v1/security-policy", json={"password_min_length": 10}, headers={"If-Match": policy.headers["etag"]}
    )
    assert changed.status_code == 200, changed.text
    stale_policy = await owner.patch(
        "/v1/security-policy", json={"password_min_length": 12}, headers={"If-Match": policy.headers["etag"]}
    )
    assert stale_policy.status_code == 412
    assert (await owner.get("/v1/security-policy")).json()["policy"]["password_min_length"] == 10


async def test_if_match_is_required_on_role_and_group_changes(owner: httpx.AsyncClient) -> None:
    invited = await owner.post("/v1/invitations", json={"invitees": [{"email": "ann@acme.test"}]})
    ann = invited.json()["results"][0]["member"]
    assert ann, invited.text
    without = await owner.patch(f"/v1/members/{ann['id']}", json={"role": "user_admin"})
    assert (without.status_code, without.json()["reason"]) == (428, "PRECONDITION_REQUIRED")
    assert without.json()["errors"] == [{"field": "If-Match", "description": "required"}]
    promoted = await owner.patch(f"/v1/members/{ann['id']}", json={"role": "user_admin"}, headers={"If-Match": "*"})
    assert promoted.status_code == 200, promoted.text
    assert STRONG_ETAG.match(promoted.headers["etag"])

    group = await owner.post("/v1/groups", json={"name": "Launch"})
    read = await owner.get(f"/v1/groups/{group.json()['group']['id']}")
    assert read.headers["etag"] == group.headers["etag"] and STRONG_ETAG.match(read.headers["etag"])
    path = f"/v1/groups/{group.json()['group']['id']}"
    assert (await owner.patch(path, json={"name": "Liftoff"})).status_code == 428
    renamed = await owner.patch(path, json={"name": "Liftoff"}, headers={"If-Match": read.headers["etag"]})
    assert renamed.status_code == 200, renamed.text
    assert (await owner.get(path)).json()["group"]["name"] == "Liftoff"


async def test_a_cookie_session_change_without_its_csrf_token_is_refused(owner: httpx.AsyncClient) -> None:
    token = owner.headers.pop("X-CSRF-Token")
    refused = await owner.post("/v1/groups", json={"name": "Forged"})
    assert (refused.status_code, refused.json()["reason"]) == (403, "CSRF_TOKEN_MISSING")
    owner.headers["X-CSRF-Token"] = token
    assert "Forged" not in {g["name"] for g in (await owner.get("/v1/groups")).json()["groups"]}


async def test_every_read_answers_a_strong_etag_that_changes_with_what_was_read(owner: httpx.AsyncClient) -> None:
    before = await owner.get("/v1/groups")
    assert before.status_code == 200 and STRONG_ETAG.match(before.headers["etag"])
    assert (await owner.get("/v1/groups")).headers["etag"] == before.headers["etag"]
    assert (await owner.post("/v1/groups", json={"name": "Launch"})).status_code == 201
    after = await owner.get("/v1/groups")
    assert STRONG_ETAG.match(after.headers["etag"]) and after.headers["etag"] != before.headers["etag"]
    for path in ("/v1/me", "/v1/members", "/v1/billing/subscription", "/v1/roles", "/v1/profile-fields"):
        read = await owner.get(path)
        assert read.status_code == 200 and STRONG_ETAG.match(read.headers["etag"]), path


def test_the_readme_lists_exactly_the_routes_that_require_if_match() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    listed = readme.split("Routes requiring If-Match", 1)[1].split("\n- ", 1)[0]
    required = {f"{route.method} {route.path}" for route in ROUTES if route.if_match is IfMatch.REQUIRED}
    assert (
        required and {line.strip()[3:-1] for line in listed.splitlines() if line.strip().startswith("- `")} == required
    )
