"""Encrypted SAML assertions end to end, over REST: a connection requiring encrypted assertions, a real pysaml2
IdP process encrypting to the encryption certificate of our SP metadata (AES-256-GCM, RSA-OAEP), a person signing
in through headless Chromium; then our SP key rotated and the old one retired, after which what the IdP still
encrypts to the old key is refused (audited as a decryption failure)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from services.identity.tests.dns_server import dns_server
from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, start_suite, wait_for
from tests.e2e.test_sso_saml_browser import PERSON, idp_process
from tests.peers.saml_idp import AES256_GCM


def sign_in_through_the_idp(browser: webdriver.Chrome, suite: Suite) -> None:
    browser.delete_all_cookies()
    browser.get(f"{suite.gateway_url}/")
    browser.find_element(By.NAME, "email").send_keys(PERSON)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def test_an_idp_encrypting_to_our_published_certificate_signs_a_person_in_until_that_key_is_retired(
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
                created = client.post(
                    "/v1/sso/connections",
                    json={
                        "name": "Acme IdP",
                        "protocol": "saml",
                        "jit_provisioning": True,
                        "saml": {"require_encrypted_assertions": True},
                    },
                )
                assert created.status_code == 201, created.text
                connection = created.json()["connection"]
                path = f"/v1/sso/connections/{connection['id']}"
                [first_key] = connection["saml"]["sp_certificates"]
                assert connection["saml"]["metadata_refresh"] == {
                    "last_success_time": None,
                    "last_failure_time": None,
                    "last_error": "",
                }
                sp_metadata = httpx.get(f"{suite.gateway_url}/sso/saml/{connection['id']}/metadata").text
                assert 'use="encryption"' in sp_metadata

                with idp_process(tmp_path, sp_metadata, encrypt=AES256_GCM) as idp:
                    imported = client.post(f"{path}/metadata", json={"metadata_xml": httpx.get(f"{idp}/metadata").text})
                    assert imported.status_code == 200, imported.text
                    domain = client.post("/v1/sso/domains", json={"domain": "acme.test"}).json()["domain"]
                    zone.records[domain["txt_record_name"]] = [domain["txt_record_value"]]
                    assert client.post("/v1/sso/domains/acme.test/verify").json()["domain"]["state"] == "verified"
                    enabled = client.patch(path, json={"enabled": True}, headers={"If-Match": imported.headers["ETag"]})
                    assert enabled.status_code == 200, enabled.text

                    sign_in_through_the_idp(browser, suite)
                    WebDriverWait(browser, 120).until(expected_conditions.url_contains("/portal"))
                    assert not browser.find_elements(By.NAME, "password"), browser.page_source[:2000]
                    entries = wait_for(
                        lambda: client.get("/v1/audit/entries", params={"action": "sso.sign_in"}).json()["entries"],
                        timeout=60,
                    )
                    assert PERSON in json.dumps(entries[0])

                    rotated = client.post(f"{path}/sp-key/rotate")
                    assert rotated.status_code == 200, rotated.text
                    new_key_id = rotated.json()["key_id"]
                    keys = client.get(path).json()["connection"]["saml"]["sp_certificates"]
                    assert [k["id"] for k in keys] == [new_key_id, first_key["id"]]
                    assert keys[1]["retire_time"] and keys[0]["retire_time"] is None
                    newest = client.post(f"{path}/sp-keys/{new_key_id}/retire")
                    assert newest.status_code in (400, 409), newest.text
                    retired = client.post(f"{path}/sp-keys/{first_key['id']}/retire")
                    assert retired.status_code == 200, retired.text
                    assert [k["id"] for k in retired.json()["connection"]["saml"]["sp_certificates"]] == [new_key_id]
                    published = client.get(f"{path}/sp-metadata").text
                    assert first_key["certificate_pem"].splitlines()[1] not in published

                    # The IdP still encrypts to the retired key (it has not fetched our metadata again).
                    sign_in_through_the_idp(browser, suite)
                    WebDriverWait(browser, 120).until(
                        lambda b: "/acs" in b.current_url and b.find_elements(By.CSS_SELECTOR, "[role=alert]")
                    )
                    assert browser.get_cookie("tenantry_session") is None
                    rejected = wait_for(
                        lambda: client.get("/v1/audit/entries", params={"action": "sso.saml.rejected"}).json()[
                            "entries"
                        ],
                        timeout=60,
                    )
                    assert "decryption" in json.dumps(rejected[0])
                    changes = client.get("/v1/audit/entries", params={"action": "sso_connection.sp_key_retired"})
                    assert changes.json()["entries"], changes.text
        finally:
            suite.stop()
