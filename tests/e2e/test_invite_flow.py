"""The foundation flow through real processes: sign in at the gateway, invite, and every service reflects it."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import grpc
import httpx
import nats
from tenantry.events.v1 import membership_events_pb2
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import identity_service_pb2_grpc as identity_grpc

from services.common.ids import new_id
from services.common.keys import signing_key_path
from services.common.messaging import actor_from_principal, new_envelope
from services.common.principal import PrincipalSigner, outgoing_metadata, system_principal
from services.suite import Suite
from tests.e2e.conftest import Owner, SmtpInbox, create_owner, form_token, signed_in_client, wait_for


def test_owner_invites_a_member_and_membership_mail_billing_and_audit_reflect_it_within_a_second(
    suite: Suite, smtp_inbox: SmtpInbox
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        response = client.post(
            "/v1/invitations",
            json={"invitees": [{"email": "new.member@acme.test", "role": "member"}]},
            headers={"Idempotency-Key": "invite-1", "User-Agent": "e2e-test/1.0"},
        )
        assert response.status_code in (200, 201), response.text
        invited_at = time.monotonic()

        members = client.get("/v1/members", params={"status": "invited"}).json()["members"]
        assert [m["email"] for m in members] == ["new.member@acme.test"]

        def seats() -> dict[str, Any] | None:
            usage = client.get("/v1/billing/seats").json()
            return usage if usage.get("invited") == 1 else None

        def audit() -> list[dict[str, Any]]:
            return client.get("/v1/audit/entries", params={"action": "member.invited"}).json()["entries"]

        def mail() -> list[Any]:
            return smtp_inbox.messages

        usage = wait_for(seats, timeout=5)
        entries = wait_for(audit, timeout=5)
        messages = wait_for(mail, timeout=5)
        elapsed = time.monotonic() - invited_at
        assert elapsed < 5, f"propagation took {elapsed:.2f}s"

        assert usage["in_use"] == 2  # the Owner and the invitation
        entry = entries[0]
        assert entry["action"] == "member.invited"
        assert entry["actor"]["display"] == owner.email
        assert entry["actor"]["ip_address"] == "127.0.0.1"
        assert entry["target_display"] == "new.member@acme.test"
        assert entry["occur_time"]
        assert messages[0]["To"] == "new.member@acme.test"
        assert "accept-invitation" in messages[0].get_payload()

        again = client.post(
            "/v1/invitations",
            json={"invitees": [{"email": "new.member@acme.test", "role": "member"}]},
            headers={"Idempotency-Key": "invite-1"},
        )
        assert again.json() == response.json()
        time.sleep(1)
        assert len(audit()) == 1


def test_requests_without_credentials_get_a_problem_document(suite: Suite) -> None:
    response = httpx.get(f"{suite.gateway_url}/v1/members")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 401


def test_the_gateway_reports_health_readiness_and_its_openapi_document(suite: Suite) -> None:
    assert httpx.get(f"{suite.gateway_url}/healthz").status_code == 200
    assert httpx.get(f"{suite.gateway_url}/readyz").status_code == 200
    document = httpx.get(f"{suite.gateway_url}/openapi.json").json()
    assert "/v1/invitations" in document["paths"]


def add_plain_member(suite: Suite, organization_id: str, email: str, password: str) -> None:
    """An account that is an active Member (seat.use only): created in identity, and announced the way
    membership announces a member, on the real NATS stream."""

    async def run() -> None:
        token, _ = PrincipalSigner(signing_key_path(suite.data_dir).read_text()).mint(system_principal("e2e"))
        async with grpc.aio.insecure_channel(f"127.0.0.1:{suite.ports.identity}") as channel:
            account = (
                await identity_grpc.IdentityServiceStub(channel).CreateAccount(
                    identity_pb.CreateAccountRequest(email=email, password=password), metadata=outgoing_metadata(token)
                )
            ).account
        envelope = new_envelope(
            producer="membership",
            event_type="member.added",
            organization_id=organization_id,
            actor=actor_from_principal(system_principal("e2e")),
            payload=membership_events_pb2.MemberChanged(
                member_id=new_id(),
                account_id=account.id,
                email=email,
                role="member",
                permissions=["seat.use"],
                status="active",
                seat_consuming=True,
                version=1,
            ),
            occurred_at=datetime.now(UTC),
        )
        connection = await nats.connect(suite.effective_nats_url)
        try:
            await connection.jetstream().publish(
                "tenantry.membership.member.added",
                envelope.SerializeToString(),
                headers={"Nats-Msg-Id": envelope.event_id},
            )
        finally:
            await connection.close()

    asyncio.run(run())


def test_a_member_without_admin_rights_is_refused_by_the_portal_and_the_api(suite: Suite) -> None:
    owner = create_owner(suite)
    add_plain_member(suite, owner.organization_id, "plain@acme.test", "plain member password")
    with signed_in_client(suite, Owner(owner.organization_id, "plain@acme.test", "plain member password")) as client:
        portal = client.get("/portal")
        assert portal.status_code == 403
        assert "You do not have access to this part of the admin portal" in portal.text
        api = client.get("/v1/members")
        assert api.status_code == 403
        assert api.json()["reason"] == "MISSING_PERMISSION"
        refused = client.post("/v1/invitations", json={"invitees": [{"email": "x@acme.test"}]})
        assert refused.status_code == 403


def test_revoking_an_invitation_releases_its_seat_and_is_audited_with_the_role_before_and_after(suite: Suite) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        invited = client.post("/v1/invitations", json={"invitees": [{"email": "short.lived@acme.test"}]}).json()
        member = invited["results"][0]["member"]
        wait_for(lambda: client.get("/v1/billing/seats").json()["invited"] == 1)

        promoted = client.patch(
            f"/v1/members/{member['id']}", json={"role": "user_admin"}, headers={"If-Match": member["etag"]}
        )
        assert promoted.status_code == 200, promoted.text
        assert promoted.json()["member"]["role"] == "user_admin"
        stale = client.patch(
            f"/v1/members/{member['id']}", json={"role": "member"}, headers={"If-Match": member["etag"]}
        )
        assert stale.status_code == 412 and stale.json()["reason"] == "ETAG_MISMATCH"

        assert client.delete(f"/v1/members/{member['id']}").status_code == 204
        wait_for(lambda: client.get("/v1/billing/seats").json()["invited"] == 0)
        actions = wait_for(
            lambda: (
                {e["action"] for e in client.get("/v1/audit/entries").json()["entries"]}
                >= {
                    "member.role_changed",
                    "member.removed",
                }
            )
        )
        assert actions
        role_change = client.get("/v1/audit/entries", params={"action": "member.role_changed"}).json()["entries"][0]
        # The entry shows the change: the role before and after.
        assert role_change["details"]["previous_role"] == "member" and role_change["details"]["role"] == "user_admin"
        assert client.get("/v1/members", params={"email": "short.lived@acme.test"}).json()["members"] == []


def test_the_owner_renames_the_organization_with_an_etag_and_the_change_is_audited(suite: Suite) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        etag = client.get("/v1/organization").json()["organization"]["etag"]
        renamed = client.patch("/v1/organization", json={"display_name": "Acme Inc"}, headers={"If-Match": etag})
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["organization"]["display_name"] == "Acme Inc"
        assert client.patch("/v1/organization", json={"id": "x"}).status_code == 422
        wait_for(lambda: client.get("/v1/audit/entries", params={"action": "organization.updated"}).json()["entries"])


def test_an_invited_person_follows_the_emailed_link_creates_an_account_and_becomes_an_active_member(
    suite: Suite, smtp_inbox: SmtpInbox
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        client.post("/v1/invitations", json={"invitees": [{"email": "joiner@acme.test", "role": "member"}]})
        message = wait_for(lambda: smtp_inbox.messages)[0]
        text = message.get_payload(decode=True).decode()
        link = next(word for word in text.split() if "/accept-invitation?" in word)
        query = dict(parse_qsl(urlsplit(link).query))

        with httpx.Client(base_url=suite.gateway_url, headers={"Origin": suite.gateway_url}, timeout=15) as joiner:
            page = joiner.get(f"/accept-invitation?{urlsplit(link).query}")
            assert page.status_code == 200 and "Join Acme" in page.text
            query["csrf_token"] = form_token(page.text)
            forged = joiner.post(
                "/accept-invitation", data={**query, "token": "forged", "password": "river stone lamp 42"}
            )
            assert forged.status_code in (404, 409)
            without_token = {k: v for k, v in query.items() if k != "csrf_token"}
            refused = joiner.post("/accept-invitation", data={**without_token, "password": "river stone lamp 42"})
            assert refused.status_code == 403  # login CSRF: the form must come from our page
            accepted = joiner.post("/accept-invitation", data={**query, "password": "river stone lamp 42"})
            assert accepted.status_code == 303 and accepted.headers["location"] == "/portal", accepted.text[-500:]
            # A Member has no portal access; the account is active in the organization.
            assert wait_for(lambda: joiner.get("/portal").status_code == 403)
            query["csrf_token"] = joiner.cookies["tenantry_csrf"]  # signed in now: the session's token
            assert joiner.post("/accept-invitation", data={**query, "password": "river stone lamp 43"}).status_code in (
                404,
                409,
            )

        active = client.get("/v1/members", params={"status": "active"}).json()["members"]
        assert "joiner@acme.test" in {m["email"] for m in active}

        def seats_in_use() -> tuple[int, int]:
            usage = client.get("/v1/billing/seats").json()
            return usage["active"], usage["invited"]

        wait_for(lambda: seats_in_use() == (2, 0))
        wait_for(lambda: client.get("/v1/audit/entries", params={"action": "member.activated"}).json()["entries"])
