"""OIDC single sign-on end to end: the Owner connects a real OIDC provider (authlib's, as a process) over gRPC,
verifies the domain against a real DNS server, and a person signs in through headless Chromium: portal (email
first) -> provider -> /sso/oidc/callback -> portal, created just in time, with `sso.sign_in` in the audit log."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import grpc
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import identity_service_pb2_grpc as identity_grpc
from tenantry.identity.v1 import sso_service_pb2 as sso_pb
from tenantry.identity.v1 import sso_service_pb2_grpc as sso_grpc

from services.common.nats_server import free_port
from services.common.principal import outgoing_metadata
from services.identity.tests.dns_server import dns_server
from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, start_suite, wait_for
from tests.peers.oidc_provider import running_oidc_provider

PERSON = "olga@acme.test"


def test_a_person_signs_in_through_a_real_oidc_provider_in_a_browser_and_is_created_just_in_time(
    tmp_path: Path, smtp_inbox: SmtpInbox, browser: webdriver.Chrome
) -> None:
    with dns_server() as (zone, dns_port), running_oidc_provider(free_port()) as provider:
        suite: Suite = start_suite(
            tmp_path / "data",
            smtp_inbox.port,
            {"TENANTRY_IDENTITY_DNS_NAMESERVERS": json.dumps([f"127.0.0.1:{dns_port}"])},
        )
        try:
            owner = create_owner(suite)
            with signed_in_client(suite, owner) as client:
                channel = grpc.insecure_channel(f"127.0.0.1:{suite.ports.identity}")
                principal_token = (
                    identity_grpc.IdentityServiceStub(channel)
                    .Authenticate(identity_pb.AuthenticateRequest(session_token=client.cookies["tenantry_session"]))
                    .principal_token
                )
                metadata = outgoing_metadata(principal_token)
                sso = sso_grpc.SsoServiceStub(channel)
                client_secret = secrets.token_urlsafe(24)
                connection = sso.CreateConnection(
                    sso_pb.CreateConnectionRequest(
                        connection=sso_pb.SsoConnection(
                            name="Acme Okta",
                            protocol=sso_pb.SSO_PROTOCOL_OIDC,
                            jit_provisioning=True,
                            preset="okta",
                            oidc=sso_pb.OidcSettings(
                                issuer=provider.issuer, client_id="tenantry", client_secret=client_secret
                            ),
                        )
                    ),
                    metadata=metadata,
                ).connection
                assert connection.oidc.redirect_uri == f"{suite.gateway_url}/sso/oidc/callback"
                assert connection.oidc.client_secret == ""  # never returned
                provider.configure(
                    "tenantry",
                    client_secret,
                    connection.oidc.redirect_uri,
                    {"sub": "00u1olga", "email": PERSON, "email_verified": True, "name": "Olga Example"},
                )
                domain = sso.AddDomain(sso_pb.AddDomainRequest(domain="acme.test"), metadata=metadata).domain
                zone.records[domain.txt_record_name] = [domain.txt_record_value]
                verified = sso.VerifyDomain(sso_pb.VerifyDomainRequest(domain="acme.test"), metadata=metadata)
                assert verified.domain.state == sso_pb.DOMAIN_STATE_VERIFIED
                current = sso.GetConnection(
                    sso_pb.GetConnectionRequest(connection_id=connection.id), metadata=metadata
                ).connection
                current.enabled = True
                update = sso_pb.UpdateConnectionRequest(connection=current)
                update.update_mask.paths.append("enabled")
                sso.UpdateConnection(update, metadata=metadata)

                browser.get(f"{suite.gateway_url}/")
                browser.find_element(By.NAME, "email").send_keys(PERSON)
                browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
                WebDriverWait(browser, 30).until(expected_conditions.url_contains("/portal"))
                cookie = browser.get_cookie("tenantry_session")
                assert cookie is not None and cookie["httpOnly"]
                assert not browser.find_elements(By.NAME, "password"), browser.page_source[:2000]
                assert provider.stats()["token_requests"] == 1

                def olga() -> dict[str, object] | None:
                    members = client.get("/v1/members", params={"q": PERSON}).json()
                    return next((m for m in members.get("members", []) if m["email"] == PERSON), None)

                member = wait_for(olga, timeout=20)
                # The Owner sees Olga's session (the one the browser holds) among her account's sessions.
                sessions = client.get("/v1/sessions", params={"account_id": member["account_id"]}).json()["sessions"]
                assert len(sessions) == 1 and sessions[0]["user_agent"]
                entries = wait_for(
                    lambda: client.get("/v1/audit/entries", params={"action": "sso.sign_in"}).json()["entries"],
                    timeout=20,
                )
                assert PERSON in json.dumps(entries[0])
                channel.close()
        finally:
            suite.stop()
