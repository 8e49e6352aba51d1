"""IdP group mappings at every SSO sign-in, configured over REST: a person created just in time gets the role and
the group their IdP groups map to; at a later sign-in under changed mappings they join the newly mapped group
and take the newly mapped role (membership's role-change rules, member.role_changed by the SSO sign-in); with no
role mapped, the connection's default role never replaces the one they have."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from services.common.nats_server import free_port
from services.identity.tests.dns_server import dns_server
from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, start_suite, wait_for
from tests.peers.saml_idp import KeyPair

PERSON = "ann@acme.test"


def sign_in_through_the_idp(browser: webdriver.Chrome, suite: Suite) -> None:
    browser.delete_all_cookies()
    browser.get(f"{suite.gateway_url}/")
    browser.find_element(By.NAME, "email").send_keys(PERSON)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 120).until(expected_conditions.url_contains("/portal"))


def metadata_of(idp: str) -> str | None:
    """The IdP's metadata once its process answers."""
    try:
        response = httpx.get(f"{idp}/metadata", timeout=2)
    except httpx.HTTPError:
        return None
    return response.text if response.status_code == 200 else None


def group_emails(client: httpx.Client, group_id: str) -> set[str]:
    return {m["email"] for m in client.get(f"/v1/groups/{group_id}/members").json()["members"]}


def test_group_mappings_apply_at_every_sign_in_and_only_a_mapped_role_changes_an_existing_members_role(
    tmp_path: Path, smtp_inbox: SmtpInbox, browser: webdriver.Chrome
) -> None:
    with dns_server() as (zone, dns_port):
        suite = start_suite(
            tmp_path / "data",
            smtp_inbox.port,
            {"TENANTRY_IDENTITY_DNS_NAMESERVERS": json.dumps([f"127.0.0.1:{dns_port}"])},
        )
        process = None
        try:
            owner = create_owner(suite)
            with signed_in_client(suite, owner) as client:
                engineering = client.post("/v1/groups", json={"name": "Engineering"}).json()["group"]["id"]
                finance = client.post("/v1/groups", json={"name": "Finance"}).json()["group"]["id"]
                created = client.post(
                    "/v1/sso/connections",
                    json={
                        "name": "Acme IdP",
                        "protocol": "saml",
                        "jit_provisioning": True,
                        "attribute_mapping": {"groups": "groups"},
                        "group_mappings": [
                            {"idp_group": "eng", "role": "user_admin", "group_id": engineering},
                            {"idp_group": "fin", "group_id": finance},
                        ],
                    },
                )
                assert created.status_code == 201, created.text
                path = f"/v1/sso/connections/{created.json()['connection']['id']}"
                port = free_port()
                keys = KeyPair.generate("mapping-idp")
                config = tmp_path / "idp.json"
                config.write_text(
                    json.dumps(
                        {
                            "port": str(port),
                            "private_pem": keys.private_pem,
                            "certificate_pem": keys.certificate_pem,
                            "sp_metadata": client.get(f"{path}/sp-metadata").text,
                            "person": PERSON,
                            "groups": "eng,fin",
                        }
                    )
                )
                process = subprocess.Popen([sys.executable, "-m", "tests.peers.saml_idp", str(config)])
                idp = f"http://127.0.0.1:{port}"
                metadata = wait_for(lambda: metadata_of(idp), timeout=180)
                imported = client.post(f"{path}/metadata", json={"metadata_xml": metadata})
                assert imported.status_code == 200, imported.text
                domain = client.post("/v1/sso/domains", json={"domain": "acme.test"}).json()["domain"]
                zone.records[domain["txt_record_name"]] = [domain["txt_record_value"]]
                assert client.post("/v1/sso/domains/acme.test/verify").json()["domain"]["state"] == "verified"
                assert client.patch(path, json={"enabled": True}).status_code == 200

                sign_in_through_the_idp(browser, suite)
                ann = wait_for(
                    lambda: next(
                        (m for m in client.get("/v1/members").json()["members"] if m["email"] == PERSON), None
                    ),
                    timeout=60,
                )
                assert ann["role"] == "user_admin"
                assert PERSON in group_emails(client, engineering) and PERSON in group_emails(client, finance)

                # Ann leaves Finance in the portal; the IdP still says "fin": the next sign-in puts her back,
                # and "eng" now mapping to another role gives her that role.
                removed = client.post(f"/v1/groups/{finance}/members/remove", json={"member_ids": [ann["id"]]})
                assert removed.status_code == 200, removed.text
                assert PERSON not in group_emails(client, finance)
                remapped = client.patch(
                    path,
                    json={
                        "group_mappings": [
                            {"idp_group": "eng", "role": "billing_admin"},
                            {"idp_group": "fin", "group_id": finance},
                        ]
                    },
                )
                assert remapped.status_code == 200, remapped.text
                sign_in_through_the_idp(browser, suite)
                wait_for(lambda: PERSON in group_emails(client, finance), timeout=60)
                members = client.get("/v1/members").json()["members"]
                assert next(m for m in members if m["email"] == PERSON)["role"] == "billing_admin"
                change = wait_for(
                    lambda: client.get("/v1/audit/entries", params={"action": "member.role_changed"}).json()["entries"],
                    timeout=60,
                )
                assert "Single sign-on" in json.dumps(change[0]) and "user_admin" in json.dumps(change[0])

                # No role mapped any more: the connection's default role (member) does not replace hers.
                unmapped = client.patch(path, json={"group_mappings": [{"idp_group": "fin", "group_id": finance}]})
                assert unmapped.status_code == 200, unmapped.text
                sign_in_through_the_idp(browser, suite)
                members = client.get("/v1/members").json()["members"]
                assert next(m for m in members if m["email"] == PERSON)["role"] == "billing_admin"
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
            suite.stop()
