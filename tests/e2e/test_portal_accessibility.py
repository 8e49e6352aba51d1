"""axe-core over every page of the portal: an Owner of a paying organization with some data (members, a group, a
custom role, invoices, an API key and a SCIM token) visits every section the navigation offers, plus the member,
group, import and organization-security pages; none has a serious or critical accessibility violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from services.common.tests.smtp_inbox import SmtpInbox
from services.suite import Suite
from tests.e2e.browser import axe_violations, nav_sections, sign_in, visit
from tests.e2e.conftest import create_owner, signed_in_client, wait_for
from tests.e2e.scim_peer import scim_token, start_enterprise_suite

CARD = {"kind": "test", "reference": "tok_visa", "brand": "visa", "last4": "4242", "expiry_month": 12}


@pytest.fixture
def paying_enterprise(tmp_path: Path, smtp_inbox: SmtpInbox) -> Iterator[Suite]:
    """A suite whose organizations get the Enterprise plan (SCIM included) with no trial: invoiced from day one."""
    running = start_enterprise_suite(tmp_path, smtp_inbox.port, trial_days=0)
    yield running
    running.stop()


def test_no_portal_page_has_a_serious_or_critical_accessibility_violation(
    paying_enterprise: Suite, browser: webdriver.Chrome
) -> None:
    suite = paying_enterprise
    owner = create_owner(suite)
    scim_token(suite, owner)
    with signed_in_client(suite, owner) as client:
        wait_for(lambda: client.put("/v1/billing/payment-method", json={**CARD, "expiry_year": 2030}))
        wait_for(lambda: client.get("/v1/billing/invoices").json()["invoices"])
        invited = client.post(
            "/v1/invitations", json={"invitees": [{"email": "ann@acme.test"}, {"email": "bob@acme.test"}]}
        )
        assert invited.status_code == 200, invited.text
        group = client.post("/v1/groups", json={"name": "Design", "category": "Teams"})
        assert group.status_code in (200, 201), group.text
        group_id = group.json()["group"]["id"]
        role = client.post(
            "/v1/roles", json={"key": "accountant", "name": "Accountant", "permissions": ["billing.read"]}
        )
        assert role.status_code == 200, role.text
        key = client.post("/v1/api-keys", json={"name": "CI", "permissions": ["members.read"]})
        assert key.status_code in (200, 201), key.text

    sign_in(browser, suite, owner.email, owner.password)
    sections = nav_sections(browser)
    assert {"nav-billing", "nav-provisioning", "nav-sso", "nav-audit"} <= set(sections), sections
    pages = [browser.find_element(By.ID, section).get_attribute("href") or "" for section in sections]
    pages += [
        f"{suite.gateway_url}/portal/team/member?email=ann@acme.test",
        f"{suite.gateway_url}/portal/groups/{group_id}",
        f"{suite.gateway_url}/portal/team/import",
        f"{suite.gateway_url}/portal/security/organization",
    ]
    found: dict[str, list[str]] = {}
    for url in pages:
        visit(browser, suite, url.removeprefix(suite.gateway_url), "nav-security")
        heading = browser.find_element(By.TAG_NAME, "h1").text
        assert "You do not have access" not in heading and heading != "Not found", url
        violations = axe_violations(browser)
        if violations:
            found[url] = [f"{v['id']}: {v.get('help')}" for v in violations]
    assert found == {}
