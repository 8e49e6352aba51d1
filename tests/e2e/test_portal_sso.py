"""The portal's single sign-on page in a real browser through real processes: an Owner connects a SAML IdP by its
metadata XML and an OIDC provider, claims a domain, publishes the TXT record shown on a real DNS server, verifies
it, enables the connection and requires SSO; a refusal is shown on the page and the section is the Owner's only."""

from __future__ import annotations

import json
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from services.common.tests.smtp_inbox import SmtpInbox
from services.identity.tests.dns_server import dns_server
from tests.e2e.browser import axe_violations, click, leaving_the_page, nav_sections, sign_in, visit, wait_until
from tests.e2e.conftest import create_owner, signed_in_client, start_suite
from tests.peers.saml_idp import KeyPair, SamlIdp


def test_an_owner_connects_an_idp_verifies_a_domain_and_requires_sso_in_the_portal(
    tmp_path: Path, smtp_inbox: SmtpInbox, browser: webdriver.Chrome
) -> None:
    idp = SamlIdp("https://idp.acme.example/idp", "https://idp.acme.example/sso", KeyPair.generate("portal-idp"))
    with dns_server() as (zone, dns_port):
        suite = start_suite(
            tmp_path / "data",
            smtp_inbox.port,
            {"TENANTRY_IDENTITY_DNS_NAMESERVERS": json.dumps([f"127.0.0.1:{dns_port}"])},
        )
        try:
            owner = create_owner(suite)
            with signed_in_client(suite, owner):
                pass
            sign_in(browser, suite, owner.email, owner.password)
            assert "nav-sso" in nav_sections(browser)
            visit(browser, suite, "/portal/sso", "saml-name")

            browser.find_element(By.ID, "saml-name").send_keys("Acme IdP")
            browser.find_element(By.ID, "saml-metadata-xml").send_keys("<not-metadata/>")
            click(browser, "create-saml", "page-error")
            assert not browser.find_elements(By.ID, "connection-table"), "refused metadata leaves no connection"

            browser.find_element(By.ID, "saml-name").send_keys("Acme IdP")
            browser.execute_script("document.getElementById('saml-metadata-xml').value = arguments[0];", idp.metadata())
            click(browser, "create-saml", "notice")
            table = browser.find_element(By.ID, "connection-table").text
            assert "Acme IdP" in table and "/sso/saml/" in table

            browser.find_element(By.ID, "oidc-name").send_keys("Acme OIDC")
            browser.find_element(By.ID, "oidc-issuer").send_keys("https://login.acme.example")
            browser.find_element(By.ID, "oidc-client-id").send_keys("tenantry")
            browser.find_element(By.ID, "oidc-client-secret").send_keys("s3cret")
            click(browser, "create-oidc", "notice")
            assert "Acme OIDC" in browser.find_element(By.ID, "connection-table").text
            assert "s3cret" not in browser.page_source

            browser.find_element(By.ID, "new-domain").send_keys("acme.test")
            click(browser, "add-domain", "txt-value-1")
            name = browser.find_element(By.ID, "txt-name-1").text
            value = browser.find_element(By.ID, "txt-value-1").text
            assert name == "_tenantry-challenge.acme.test" and value
            zone.records[name] = [value]
            click(browser, "verify-domain-1", "domain-1-verified")

            click(browser, "enable-connection-1", "connection-1-enabled")
            browser.find_element(By.ID, "sso-required").click()
            click(browser, "save-sso-policy", "notice")
            assert browser.find_element(By.ID, "sso-required").is_selected()
            assert axe_violations(browser) == []

            # Confirming it is you (identity's privileged window): a wrong password asks again, the right one renews.
            leaving_the_page(
                browser,
                lambda: browser.execute_script(
                    "const form = document.querySelector('#sso-policy form');"
                    "form.action = '/portal/sso/confirm';"
                    "form.insertAdjacentHTML('beforeend', '<input type=hidden name=password value=wrong>');"
                    "form.submit();"
                ),
            )
            wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "confirm-password")))
            assert browser.find_element(By.ID, "page-error").text
            browser.find_element(By.ID, "confirm-password").send_keys(owner.password)
            click(browser, "confirm-identity", "notice")
            assert browser.find_elements(By.ID, "connection-table")
        finally:
            suite.stop()
