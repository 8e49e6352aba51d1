"""SAML single sign-on end to end: the Owner connects a real SAML IdP (pysaml2's, as a process) over gRPC,
verifies the domain against a real DNS server, and a person signs in through headless Chromium: portal (email
first) -> IdP -> ACS -> portal, created just in time, with `sso.sign_in` in the audit log."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import httpx
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
from tests.peers.saml_idp import KeyPair

PERSON = "ann@acme.test"


@contextmanager
def idp_process(tmp_path: Path, sp_metadata: str, **extra: str) -> Iterator[str]:
    """The IdP as its own process; yields its base URL. `extra`: more of its config (tests.peers.saml_idp.serve)."""
    port = free_port()
    keys = KeyPair.generate("e2e-idp")
    config = tmp_path / "idp.json"
    config.write_text(
        json.dumps(
            {
                "port": str(port),
                "private_pem": keys.private_pem,
                "certificate_pem": keys.certificate_pem,
                "sp_metadata": sp_metadata,
                "person": PERSON,
                "display_name": "Ann Example",
            }
            | extra
        )
    )
    process = subprocess.Popen([sys.executable, "-m", "tests.peers.saml_idp", str(config)])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{base}/metadata"), timeout=180)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_person_signs_in_through_a_real_saml_idp_in_a_browser_and_is_created_just_in_time(
    tmp_path: Path, smtp_inbox: SmtpInbox, browser: webdriver.Chrome
) -> None:
    with dns_server() as (zone, dns_port):
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
                connection = sso.CreateConnection(
                    sso_pb.CreateConnectionRequest(
                        connection=sso_pb.SsoConnection(
                            name="Acme IdP", protocol=sso_pb.SSO_PROTOCOL_SAML, jit_provisioning=True
                        )
                    ),
                    metadata=metadata,
                ).connection
                sp_metadata = httpx.get(f"{suite.gateway_url}/sso/saml/{connection.id}/metadata").text
                assert connection.saml.acs_url in sp_metadata
                with idp_process(tmp_path, sp_metadata) as idp:
                    sso.ImportIdpMetadata(
                        sso_pb.ImportIdpMetadataRequest(
                            connection_id=connection.id, metadata_xml=httpx.get(f"{idp}/metadata").text
                        ),
                        metadata=metadata,
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
                    WebDriverWait(browser, 120).until(expected_conditions.url_contains("/portal"))
                    cookie = browser.get_cookie("tenantry_session")
                    assert cookie is not None and cookie["httpOnly"]
                    assert not browser.find_elements(By.NAME, "password"), browser.page_source[:2000]

                def ann_is_a_member() -> bool:
                    members = client.get("/v1/members", params={"q": PERSON}).json()
                    return any(m["email"] == PERSON for m in members.get("members", []))

                wait_for(ann_is_a_member, timeout=60)
                entries = wait_for(
                    lambda: client.get("/v1/audit/entries", params={"action": "sso.sign_in"}).json()["entries"],
                    timeout=60,
                )
                assert PERSON in json.dumps(entries[0])
                channel.close()
        finally:
            suite.stop()
