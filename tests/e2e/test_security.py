"""Session and tenancy attacks through real processes: revocation reaches the gateway and every service within
5 seconds (A6), CSRF (A8), the IDOR matrix generated from the route table (T1), cross-tenant lists (T2),
mass assignment (T3), spoofed metadata (T4), and the emailed password reset."""

from __future__ import annotations

import base64
import re
import time
from urllib.parse import parse_qsl, urlsplit

import grpc
import httpx
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import identity_service_pb2_grpc as identity_grpc
from tenantry.membership.v1 import membership_service_pb2 as membership_pb
from tenantry.membership.v1 import membership_service_pb2_grpc as membership_grpc

from gateway.routes import ROUTES
from services.common.principal import outgoing_metadata
from services.membership.tests.support import png
from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, form_token, signed_in_client, wait_for
from tests.peers.saml_idp import KeyPair

REVOCATION_BOUND_SECONDS = 5.0


def principal_token_for(suite: Suite, session_token: str) -> str:
    with grpc.insecure_channel(f"127.0.0.1:{suite.ports.identity}") as channel:
        reply = identity_grpc.IdentityServiceStub(channel).Authenticate(
            identity_pb.AuthenticateRequest(session_token=session_token), timeout=5
        )
    return reply.principal_token


def membership_accepts(suite: Suite, principal_token: str, organization_id: str) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{suite.ports.membership}") as channel:
        try:
            membership_grpc.MembershipServiceStub(channel).ListMembers(
                membership_pb.ListMembersRequest(organization_id=organization_id),
                metadata=outgoing_metadata(principal_token),
                timeout=5,
            )
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.UNAUTHENTICATED, exc
            return False
    return True


def seconds_until(check: object, bound: float = 15.0) -> float:
    started = time.monotonic()
    wait_for(check, timeout=bound)  # type: ignore[arg-type]
    return time.monotonic() - started


def test_a_revoked_session_and_api_key_fail_at_the_gateway_and_at_membership_within_5_seconds(
    suite: Suite, smtp_inbox: SmtpInbox
) -> None:
    """A6: sign-out, admin "sign out everywhere" and API key revocation; the principal token minted before
    the revocation is still unexpired, yet membership refuses it."""
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        session_token = client.cookies["tenantry_session"]
        principal_token = principal_token_for(suite, session_token)
        assert membership_accepts(suite, principal_token, owner.organization_id)
        assert client.delete("/v1/sessions/current").status_code == 204
        with httpx.Client(base_url=suite.gateway_url, cookies={"tenantry_session": session_token}) as replay:
            elapsed = seconds_until(
                lambda: (
                    replay.get("/v1/me").status_code == 401
                    and not membership_accepts(suite, principal_token, owner.organization_id)
                )
            )
        assert elapsed <= REVOCATION_BOUND_SECONDS, elapsed

    with signed_in_client(suite, owner) as client:
        created = client.post("/v1/api-keys", json={"name": "script", "permissions": ["members.read"]})
        assert created.status_code == 201, created.text
        secret, key_id = created.json()["secret"], created.json()["api_key"]["id"]
        with httpx.Client(base_url=suite.gateway_url, headers={"Authorization": f"Bearer {secret}"}) as program:
            assert program.get("/v1/members").status_code == 200
            with grpc.insecure_channel(f"127.0.0.1:{suite.ports.identity}") as channel:
                key_principal = (
                    identity_grpc.IdentityServiceStub(channel)
                    .Authenticate(identity_pb.AuthenticateRequest(api_key=secret), timeout=5)
                    .principal_token
                )
            assert client.delete(f"/v1/api-keys/{key_id}").status_code == 200
            elapsed = seconds_until(
                lambda: (
                    program.get("/v1/members").status_code == 401
                    and not membership_accepts(suite, key_principal, owner.organization_id)
                )
            )
        assert elapsed <= REVOCATION_BOUND_SECONDS, elapsed

        other_token = client.cookies["tenantry_session"]
        other_principal = principal_token_for(suite, other_token)
        revoked = client.post("/v1/sessions/revoke", json={"keep_current": False})
        assert revoked.status_code == 200 and revoked.json()["revoked_count"] >= 1
        elapsed = seconds_until(lambda: not membership_accepts(suite, other_principal, owner.organization_id))
        assert elapsed <= REVOCATION_BOUND_SECONDS, elapsed


def test_cross_site_and_tokenless_changes_are_refused_without_side_effects(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    """A8: cross-site Origin, no CSRF token, Sec-Fetch-Site cross-site, a change by GET, and login CSRF."""
    owner = create_owner(suite)
    invite = {"invitees": [{"email": "victim-of-csrf@acme.test"}]}
    with signed_in_client(suite, owner) as client:
        token = client.headers.pop("X-CSRF-Token")
        assert client.post("/v1/invitations", json=invite).status_code == 403
        assert client.post("/v1/invitations", json=invite, headers={"X-CSRF-Token": "0" * 64}).status_code == 403
        evil = {"Origin": "https://evil.example", "X-CSRF-Token": token}
        assert client.post("/v1/invitations", json=invite, headers=evil).status_code == 403
        fetch_cross = {"Sec-Fetch-Site": "cross-site", "X-CSRF-Token": token}
        assert client.post("/v1/invitations", json=invite, headers=fetch_cross).status_code == 403
        assert client.get("/v1/invitations").status_code == 405
        members = client.get("/v1/members").json()["members"]
        assert "victim-of-csrf@acme.test" not in {m["email"] for m in members}

    with httpx.Client(base_url=suite.gateway_url, headers={"Origin": suite.gateway_url}) as browser:
        browser.get("/")  # sets the pre-session CSRF cookie
        forged = browser.post("/portal/sign-in", data={"email": owner.email, "password": owner.password})
        assert forged.status_code == 403 and "tenantry_session" not in forged.cookies
        real = browser.post(
            "/portal/sign-in",
            data={"email": owner.email, "password": owner.password, "csrf_token": form_token(browser.get("/").text)},
        )
        assert real.status_code == 303


def path_with(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def test_every_route_with_an_id_answers_404_for_another_tenants_resources(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    """T1, generated from the route table: a new route with an id is covered (or fails here) automatically.
    T2: lists never show the other tenant's rows. T3: mass assignment is refused."""
    alpha = create_owner(suite, email="owner@alpha.test")
    beta = create_owner(suite, email="owner@beta.test")
    with signed_in_client(suite, beta) as beta_client:
        beta_member = beta_client.get("/v1/members").json()["members"][0]
        beta_key = beta_client.post("/v1/api-keys", json={"name": "beta key"}).json()["api_key"]
        beta_session = beta_client.get("/v1/sessions").json()["sessions"][0]
        beta_group = beta_client.post("/v1/groups", json={"name": "Beta only"}).json()["group"]
        beta_field = {"key": "beta_only", "label": "Beta only", "type": "text"}
        beta_role = {"key": "beta_role", "name": "Beta role", "permissions": ["members.read"]}
        assert beta_client.post("/v1/roles", json=beta_role).status_code == 200
        assert beta_client.post("/v1/profile-fields", json=beta_field).status_code == 200
        beta_certificate = KeyPair.generate("beta-idp").certificate_pem
        beta_connection = beta_client.post("/v1/sso/connections", json={"name": "Beta IdP", "protocol": "saml"})
        beta_connection_path = f"/v1/sso/connections/{beta_connection.json()['connection']['id']}"
        trusted = beta_client.post(f"{beta_connection_path}/certificates", json={"certificate_pem": beta_certificate})
        assert beta_client.post("/v1/sso/domains", json={"domain": "beta.test"}).status_code == 201
        beta_stream = beta_client.post(
            "/v1/audit/log-streams", json={"name": "Beta SIEM", "url": "http://127.0.0.1:9/hook"}
        )
        assert beta_stream.status_code == 201, beta_stream.text
        beta_ids = {
            "member_id": beta_member["id"],
            "account_id": beta_member["account_id"],
            "api_key_id": beta_key["id"],
            "session_id": beta_session["id"],
            "group_id": beta_group["id"],
            "key": beta_field["key"],
            "role_key": beta_role["key"],
            # Beta has no invoice during its trial; billing's own tests cover another tenant's invoice.
            "invoice_id": "01a20000-0000-7000-8000-000000000000",
            # A module id names an entry of the product's catalogue, the same in every organization.
            "module_id": "dictation",
            "connection_id": trusted.json()["connection"]["id"],
            "certificate_id": trusted.json()["connection"]["idp_certificates"][0]["id"],
            "key_id": trusted.json()["connection"]["saml"]["sp_certificates"][0]["id"],
            "domain": "beta.test",
            "log_stream_id": beta_stream.json()["log_stream"]["id"],
            # Beta's plan has no audit_export; audit's own tests cover another organization's export.
            "export_id": "01a20000-0000-7000-8000-000000000001",
            # Beta's plan has no scim, so it holds no token; identity's own tests cover another tenant's token.
            "token_id": "01a20000-0000-7000-8000-000000000001",
        }
        with signed_in_client(suite, alpha) as alpha_client:
            alpha_member = alpha_client.get("/v1/members").json()["members"][0]
            # A well-formed body for each route, so the answer is about the id and not about the body.
            bodies = {
                "/v1/groups/{group_id}": {"name": "Taken over"},
                "/v1/groups/{group_id}/members": {"member_ids": [alpha_member["id"]]},
                "/v1/groups/{group_id}/members/remove": {"member_ids": [beta_member["id"]]},
                "/v1/members/{member_id}/groups": {"group_ids": [beta_group["id"]]},
                "/v1/members/{member_id}/profile": {"values": {"beta_only": "taken over"}},
                "/v1/members/{member_id}/seat": {"uses_seat": False},
                "/v1/members/{member_id}/display-name": {"display_name": "Taken over"},
                "/v1/members/{member_id}/avatar": {"picture": base64.b64encode(png()).decode()},
                "/v1/billing/invoices/{invoice_id}/payments": {"reference": "SEPA-1"},
                "/v1/billing/invoices/{invoice_id}/credit-notes": {"amount_minor": 100, "reason": "goodwill"},
                "/v1/groups/{group_id}/modules/{module_id}": {"enabled": False},
                "/v1/sso/connections/{connection_id}": {"name": "Taken over"},
                "/v1/sso/connections/{connection_id}/metadata": {"metadata_url": "https://evil.example/metadata"},
                "/v1/sso/connections/{connection_id}/certificates": {"certificate_pem": beta_certificate},
                "/v1/audit/log-streams/{log_stream_id}": {"name": "Taken over"},
                "/v1/audit/log-streams/{log_stream_id}/rotate-secret": {"overlap_seconds": 60},
                "/v1/scim-tokens/{token_id}/rotate": {"overlap_seconds": 0},
            }
            # Switching a catalogue module names no tenant's resource: it acts on the caller's own organization.
            own_organization_only = {"/v1/modules/{module_id}"}
            routes_with_ids = [r for r in ROUTES if "{" in r.path and r.path not in own_organization_only]
            assert routes_with_ids
            for route in routes_with_ids:
                body = bodies.get(route.path, {"role": "owner"})
                path, any_version = path_with(route.path, beta_ids), {"If-Match": "*"}
                response = alpha_client.request(route.method, path, json=body, headers=any_version)
                assert response.status_code == 404, (route.method, route.path, response.status_code, response.text)
            assert beta_key["id"] not in {k["id"] for k in alpha_client.get("/v1/api-keys").json()["api_keys"]}
            assert beta_member["email"] not in {m["email"] for m in alpha_client.get("/v1/members").json()["members"]}
            assert alpha_client.get("/v1/sessions", params={"account_id": beta_ids["account_id"]}).status_code == 404
            smuggled = alpha_client.patch("/v1/security-policy", json={"organization_id": beta.organization_id})
            assert smuggled.status_code == 422
            # Each refusal is in alpha's audit log, whichever service refused it.
            denied_by = wait_for(
                lambda: (
                    services
                    if {"identity", "membership"}
                    <= (services := {e["target_id"].split(".")[1] for e in denied_entries(alpha_client)})
                    else None
                )
            )
            assert denied_by
        assert not denied_entries(beta_client)
        # Nothing of beta's changed.
        assert beta_client.get("/v1/members").json()["members"][0]["role"] == beta_member["role"]
        assert beta_key["id"] in {k["id"] for k in beta_client.get("/v1/api-keys").json()["api_keys"]}
        assert beta_client.get(f"/v1/groups/{beta_group['id']}").json()["group"]["name"] == "Beta only"
        beta_sso = beta_client.get(beta_connection_path).json()["connection"]
        assert (beta_sso["name"], len(beta_sso["idp_certificates"])) == ("Beta IdP", 1)
        assert beta_client.get("/v1/sso/domains/beta.test").status_code == 200
        beta_stream_path = f"/v1/audit/log-streams/{beta_ids['log_stream_id']}"
        assert beta_client.get(beta_stream_path).json()["name"] == "Beta SIEM"
        assert beta_client.get("/v1/me").status_code == 200


def denied_entries(client: httpx.Client) -> list[dict[str, str]]:
    response = client.get("/v1/audit/entries", params={"action": "authz.denied", "page_size": 100})
    assert response.status_code == 200, response.text
    return response.json()["entries"]


def test_a_spoofed_organization_header_is_ignored_by_services(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    """T4: services read the tenant only from the signed principal, never from other metadata."""
    alpha = create_owner(suite, email="owner@alpha.test")
    beta = create_owner(suite, email="owner@beta.test")
    with signed_in_client(suite, alpha) as client:
        principal_token = principal_token_for(suite, client.cookies["tenantry_session"])
    with grpc.insecure_channel(f"127.0.0.1:{suite.ports.membership}") as channel:
        stub = membership_grpc.MembershipServiceStub(channel)
        spoofed = (*outgoing_metadata(principal_token), ("x-organization-id", beta.organization_id))
        try:
            stub.ListMembers(
                membership_pb.ListMembersRequest(organization_id=beta.organization_id), metadata=spoofed, timeout=5
            )
            raise AssertionError("another tenant's members were listed")
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.NOT_FOUND


def test_a_person_resets_a_forgotten_password_through_the_emailed_link(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with httpx.Client(base_url=suite.gateway_url, headers={"Origin": suite.gateway_url}, timeout=15) as browser:
        asked = browser.post("/v1/password-resets", json={"email": owner.email.upper()})
        unknown = browser.post("/v1/password-resets", json={"email": "nobody@acme.test"})
        assert asked.status_code == unknown.status_code == 202 and asked.json() == unknown.json()
        message = wait_for(lambda: [m for m in smtp_inbox.messages if "Reset" in str(m["Subject"])])[0]
        text = message.get_payload(decode=True).decode()
        link = next(word for word in text.split() if "/reset-password?" in word)
        query = dict(parse_qsl(urlsplit(link).query))
        done = browser.post(
            "/v1/password-resets/complete",
            json={"reset_id": query["id"], "token": query["token"], "new_password": "a brand new passphrase"},
        )
        assert done.status_code == 204, done.text
        again = browser.post(
            "/v1/password-resets/complete",
            json={"reset_id": query["id"], "token": query["token"], "new_password": "yet another passphrase"},
        )
        assert again.status_code == 409 and again.json()["reason"] == "INVALID_RESET_LINK"
        assert browser.post("/v1/sessions", json={"email": owner.email, "password": owner.password}).status_code == 401
        signed_in = browser.post("/v1/sessions", json={"email": owner.email, "password": "a brand new passphrase"})
        assert signed_in.status_code == 201
        assert len(smtp_inbox.messages) == 1 + sum(1 for m in smtp_inbox.messages if "invit" in str(m["Subject"]))
