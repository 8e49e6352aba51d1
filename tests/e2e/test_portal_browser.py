"""The admin portal in a real browser (headless Chromium driven by Selenium): sign in and see the overview."""

from __future__ import annotations

from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from services.suite import Suite
from tests.e2e.browser import press, wait_until
from tests.e2e.conftest import create_owner, signed_in_client, wait_for


def test_the_owner_signs_in_to_the_portal_and_sees_members_seats_and_recent_activity(
    suite: Suite, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:  # also waits until identity knows the Owner's membership
        client.post("/v1/invitations", json={"invitees": [{"email": "invitee@acme.test"}]})
        wait_for(lambda: client.get("/v1/audit/entries", params={"action": "member.invited"}).json()["entries"])

    browser.get(f"{suite.gateway_url}/")
    browser.find_element(By.NAME, "email").send_keys(owner.email)
    browser.find_element(By.NAME, "password").send_keys(owner.password)
    press(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "audit")))

    assert browser.find_element(By.CSS_SELECTOR, "header .org").text == "Acme"
    assert browser.find_element(By.ID, "active-members").text == "1"
    assert browser.find_element(By.ID, "invited-members").text == "1"
    assert browser.find_element(By.ID, "seats-in-use").text == "2"
    assert "member.invited" in browser.find_element(By.ID, "audit").text
    browser.save_screenshot(str(tmp_path / "overview.png"))
    cookie = browser.get_cookie("tenantry_session")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    press(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/portal/sign-out'] button"))
    wait_until(browser, expected_conditions.presence_of_element_located((By.NAME, "password")))
    browser.get(f"{suite.gateway_url}/portal")
    assert browser.find_elements(By.NAME, "password"), "signed out: the portal sends you back to sign in"


def test_a_wrong_password_shows_the_generic_error_in_the_portal(suite: Suite, browser: webdriver.Chrome) -> None:
    owner = create_owner(suite)
    browser.get(f"{suite.gateway_url}/")
    browser.find_element(By.NAME, "email").send_keys(owner.email)
    browser.find_element(By.NAME, "password").send_keys("not the password at all")
    press(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    error = wait_until(browser, expected_conditions.presence_of_element_located((By.CLASS_NAME, "error")))
    assert error.text == "Invalid email or password."
