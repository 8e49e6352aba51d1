"""Membership keeps what it needs from identity's events, through real processes: each member's last
sign-in, and the security policy's allowed invitation domains, which it enforces when inviting."""

from __future__ import annotations

import itertools

from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, wait_for


def test_a_sign_in_shows_as_the_members_last_sign_in(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:

        def owner_last_sign_in() -> str | None:
            members = client.get("/v1/members").json()["members"]
            return next(m["last_sign_in_time"] for m in members if m["email"] == owner.email)

        assert wait_for(owner_last_sign_in).endswith("Z")
        assert client.get("/v1/me/security").json() == {"totp_enabled": False, "recovery_codes_left": 0}


def test_invitations_are_limited_to_the_domains_the_security_policy_allows(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        changed = client.patch("/v1/security-policy", json={"allowed_invitation_domains": ["acme.test"]})
        assert changed.status_code == 200, changed.text

        attempts = itertools.count()

        def outsider_refused() -> dict[str, str] | None:
            email = f"eve{next(attempts)}@elsewhere.test"
            reply = client.post("/v1/invitations", json={"invitees": [{"email": email, "role": "member"}]})
            assert reply.status_code == 200, reply.text
            result = reply.json()["results"][0]
            if result["error"] is None:  # too early: revoked again, so that waiting never uses up the seats
                assert client.delete(f"/v1/members/{result['member']['id']}").status_code == 204
            return result["error"]

        # The policy reaches membership through an event; until then outsiders may still be invited.
        assert wait_for(outsider_refused, timeout=30)["reason"] == "DOMAIN_NOT_ALLOWED"
        colleague = client.post(
            "/v1/invitations", json={"invitees": [{"email": "ann@ACME.test", "role": "member"}]}
        ).json()["results"][0]
        assert colleague["error"] is None and colleague["member"]["email"] == "ann@acme.test"
