"""Claimed SSO domains over REST with names far longer than an id: any DNS name up to 253 characters (labels up to
63) is claimed, read, verified and released by its `{domain}` path."""

from __future__ import annotations

import httpx

# 47 + 1 + 47 + 5 = 100 characters, longer than any id path parameter (64).
LONG_DOMAIN = f"{'a' * 47}.{'b' * 47}.test"
# The longest name DNS allows: 253 characters, labels of 63.
LONGEST_DOMAIN = ".".join(["c" * 63, "d" * 63, "e" * 63, "f" * 56, "test"])


async def test_a_hundred_character_domain_is_claimed_read_verified_and_released_by_its_path(
    owner: httpx.AsyncClient,
) -> None:
    assert len(LONG_DOMAIN) == 100
    claimed = await owner.post("/v1/sso/domains", json={"domain": LONG_DOMAIN})
    assert claimed.status_code == 201, claimed.text
    read = await owner.get(f"/v1/sso/domains/{LONG_DOMAIN}")
    assert read.status_code == 200, read.text
    assert read.json()["domain"]["domain"] == LONG_DOMAIN
    verified = await owner.post(f"/v1/sso/domains/{LONG_DOMAIN}/verify")
    assert verified.status_code == 200, verified.text
    # Nobody published the TXT record: the claim stays pending.
    assert verified.json()["domain"]["state"] == "pending"
    released = await owner.delete(f"/v1/sso/domains/{LONG_DOMAIN}")
    assert released.status_code == 204, released.text
    assert (await owner.get(f"/v1/sso/domains/{LONG_DOMAIN}")).status_code == 404


async def test_a_253_character_domain_reaches_identity_and_is_found(owner: httpx.AsyncClient) -> None:
    assert len(LONGEST_DOMAIN) == 253
    assert (await owner.post("/v1/sso/domains", json={"domain": LONGEST_DOMAIN})).status_code == 201
    read = await owner.get(f"/v1/sso/domains/{LONGEST_DOMAIN}")
    assert read.status_code == 200, read.text
    assert read.json()["domain"]["domain"] == LONGEST_DOMAIN
