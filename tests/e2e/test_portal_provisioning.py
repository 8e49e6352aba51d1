"""The Provisioning page in a real browser through real processes: an Owner creates a SCIM token (its secret and
the SCIM base URL shown once), the identity provider provisions with it, a mass deprovision is held and the Owner
approves it after confirming; rotation with an overlap, revocation, the hold's policy, and who may see the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from services.common.tests.smtp_inbox import SmtpInbox
from services.suite import Suite
from tests.e2e.browser import axe_violations, click, leaving_the_page, nav_sections, sign_in, visit, wait_until
from tests.e2e.conftest import create_owner, signed_in_client
from tests.e2e.scim_peer import DEACTIVATE, USER_SCHEMA, scim_http, scim_token, start_enterprise_suite
from tests.e2e.test_portal_sections import JOINER_PASSWORD, join


@pytest.fixture
def enterprise(tmp_path: Path, smtp_inbox: SmtpInbox) -> Iterator[Suite]:
    """A suite whose new organizations get the Enterprise plan, which has SCIM."""
    running = start_enterprise_suite(tmp_path, smtp_inbox.port)
    yield running
    running.stop()


def confirming(browser: webdriver.Chrome, button_id: str, then_id: str) -> None:
    """Press a button that asks to confirm, accept, and wait for the next page to show `then_id`."""

    def press_and_accept() -> None:
        browser.find_element(By.ID, button_id).click()
        browser.switch_to.alert.accept()

    leaving_the_page(browser, press_and_accept)
    wait_until(browser, expected_conditions.presence_of_element_located((By.ID, then_id)))


def test_an_owner_creates_a_scim_token_and_approves_a_held_mass_deprovision(
    enterprise: Suite, browser: webdriver.Chrome, smtp_inbox: SmtpInbox
) -> None:
    suite = enterprise
    owner = create_owner(suite)
    scim_token(suite, owner)  # waits until the subscription (and its SCIM right) is open
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/provisioning", "token-name")
    browser.find_element(By.ID, "token-name").send_keys("Entra ID")
    click(browser, "create-token", "new-token-secret")
    secret = browser.find_element(By.ID, "new-token-secret").text
    assert browser.find_element(By.ID, "scim-base-url").text == f"{suite.gateway_url}/scim/v2"
    assert "Entra ID" in browser.find_element(By.ID, "token-table").text
    assert axe_violations(browser) == []

    with scim_http(suite, secret) as idp:
        user_ids = []
        for n in range(6):
            created = idp.post("/Users", json={"schemas": [USER_SCHEMA], "userName": f"user{n}@acme.test"})
            assert created.status_code == 201, created.text
            user_ids.append(created.json()["id"])
        for user_id in user_ids[:5]:
            assert idp.patch(f"/Users/{user_id}", json=DEACTIVATE).status_code == 200
        assert idp.delete(f"/Users/{user_ids[5]}").status_code == 503  # past the floor of five: held

        visit(browser, suite, "/portal/provisioning", "held-table")
        held = browser.find_element(By.ID, "held-table").text
        assert "user5@acme.test" in held and "Entra ID" in held, "the member and the token, by name"
        assert axe_violations(browser) == []
        confirming(browser, "approve-held", "no-held-changes")
        assert browser.find_element(By.ID, "notice").text == "The held changes were applied."
        assert idp.get(f"/Users/{user_ids[5]}").status_code == 404

    browser.find_element(By.ID, "hold-percent").clear()
    browser.find_element(By.ID, "hold-percent").send_keys("20")
    browser.find_element(By.ID, "hold-floor").clear()
    browser.find_element(By.ID, "hold-floor").send_keys("8")
    click(browser, "save-hold-policy", "notice")
    with signed_in_client(suite, owner) as client:
        assert client.get("/v1/scim/hold-policy").json() == {"percent": 20, "floor": 8}
        join(suite, client, smtp_inbox, "mem@acme.test", "member")

    browser.delete_all_cookies()
    sign_in(browser, suite, "mem@acme.test", JOINER_PASSWORD)
    browser.get(f"{suite.gateway_url}/portal/provisioning")
    assert "You do not have access" in browser.find_element(By.TAG_NAME, "h1").text
    assert "nav-provisioning" not in nav_sections(browser)


def test_a_rotated_token_keeps_working_for_its_overlap_and_a_revoked_one_stops_at_once(
    enterprise: Suite, browser: webdriver.Chrome
) -> None:
    suite = enterprise
    owner = create_owner(suite)
    first_secret, _ = scim_token(suite, owner)  # "Okta", the only token
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/provisioning", "rotate-token-1")
    click(browser, "rotate-token-1", "new-token-secret")
    rotated_secret = browser.find_element(By.ID, "new-token-secret").text
    assert browser.find_element(By.ID, "rotated-from").is_displayed()
    states = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#token-table .token-state")]
    assert sorted(states) == ["Active", "Expiring"], "the new token, and the old one in its overlap"
    for secret in (first_secret, rotated_secret):
        with scim_http(suite, secret) as idp:
            assert idp.get("/Users").status_code == 200

    visit(browser, suite, "/portal/provisioning", "token-table")
    active_row = next(
        row
        for row in browser.find_elements(By.CSS_SELECTOR, "#token-table tbody tr")
        if "token-active" in (row.get_attribute("class") or "")
    )
    confirming(browser, f"revoke-{active_row.get_attribute('id')}", "notice")
    assert "Revoked" in browser.find_element(By.ID, "token-table").text
    with scim_http(suite, rotated_secret) as idp:
        assert idp.get("/Users").status_code == 401

    # Confirming it is you (identity's privileged window for tokens): a wrong password asks again, the right one
    # renews the session and the page asks to make the change again.
    leaving_the_page(
        browser,
        lambda: browser.execute_script(
            "const form = document.querySelector('#tokens form.grid-form');"
            "form.action = '/portal/provisioning/confirm';"
            "form.insertAdjacentHTML('beforeend', '<input type=hidden name=password value=wrong>');"
            "form.submit();"
        ),
    )
    wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "confirm-password")))
    assert browser.find_element(By.ID, "page-error").text
    browser.find_element(By.ID, "confirm-password").send_keys(owner.password)
    click(browser, "confirm-identity", "notice")
    assert browser.find_element(By.ID, "notice").text == "Thank you. Make your change again."
