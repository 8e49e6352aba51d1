"""The portal's security pages in a real browser (headless Chromium driven by Selenium): choosing a new password
from the emailed link, setting up an authenticator app and signing in with it, and a person's own sessions."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx
import pyotp
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions

from services.suite import Suite
from tests.e2e.browser import press, wait_until
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, wait_for

NEW_PASSWORD = "a brand new passphrase"


def shown(browser: webdriver.Chrome, element_id: str) -> WebElement:
    return wait_until(browser, expected_conditions.visibility_of_element_located((By.ID, element_id)))


def fill_in(browser: webdriver.Chrome, form_action: str, submit: bool = True, **fields: str) -> None:
    form = browser.find_element(By.CSS_SELECTOR, f"form[action='{form_action}']")
    for name, value in fields.items():
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    if submit:
        press(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def sign_in(browser: webdriver.Chrome, suite: Suite, email: str, password: str) -> None:
    browser.get(f"{suite.gateway_url}/")
    fill_in(browser, "/portal/sign-in", email=email, password=password)


def sign_out(browser: webdriver.Chrome) -> None:
    press(browser, browser.find_element(By.CSS_SELECTOR, "header form[action='/portal/sign-out'] button"))
    wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "forgot-password")))


def signed_out_within_5_seconds(client: httpx.Client) -> None:
    wait_for(lambda: client.get("/v1/me").status_code == 401, timeout=5)


def notice_reads(browser: webdriver.Chrome, expected: str) -> bool:
    """Whether the notice a change leads to contains `expected`; waits for the page after the change."""
    return wait_until(browser, expected_conditions.text_to_be_present_in_element((By.ID, "notice"), expected))


def error_list(browser: webdriver.Chrome, field_name: str) -> list[str]:
    return [item.text for item in shown(browser, f"{field_name}-errors").find_elements(By.TAG_NAME, "li")]


def session_rows(browser: webdriver.Chrome) -> list[WebElement]:
    return shown(browser, "session-list").find_elements(By.CSS_SELECTOR, "tbody tr")


def enrol_an_authenticator(browser: webdriver.Chrome) -> pyotp.TOTP:
    """Set up an authenticator app from the Security page, as a phone would: with the secret on the page."""
    press(browser, shown(browser, "enrol-totp"))
    authenticator = pyotp.TOTP(shown(browser, "totp-secret").text)
    qr_code = shown(browser, "totp-qr-code")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr_code)
    fill_in(browser, "/portal/security/totp/confirm", totp_code=authenticator.now())
    return authenticator


def test_a_person_who_forgot_their_password_chooses_a_new_one_from_the_emailed_link(
    suite: Suite, smtp_inbox: SmtpInbox, browser: webdriver.Chrome
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as old_session:  # also waits until identity knows the Owner's membership
        browser.get(f"{suite.gateway_url}/")
        press(browser, browser.find_element(By.ID, "forgot-password"))
        fill_in(browser, "/forgot-password", email=owner.email.upper())
        answer_for_the_owner = shown(browser, "reset-requested").text
        browser.get(f"{suite.gateway_url}/forgot-password")
        fill_in(browser, "/forgot-password", email="nobody@acme.test")
        assert shown(browser, "reset-requested").text == answer_for_the_owner, "the answer never tells who exists"

        message = wait_for(lambda: [m for m in smtp_inbox.messages if "Reset" in str(m["Subject"])])[0]
        link = next(word for word in message.get_payload(decode=True).decode().split() if "/reset-password?" in word)
        assert link.startswith(suite.gateway_url), "the emailed link opens this portal"
        reset_page = f"{suite.gateway_url}{urlsplit(link).path}?{urlsplit(link).query}"
        browser.get(reset_page)

        fill_in(browser, "/reset-password", new_password=NEW_PASSWORD, confirm_password="a different passphrase")
        assert error_list(browser, "confirm_password") == ["does not match the new password"]
        fill_in(browser, "/reset-password", new_password="password123", confirm_password="password123")
        policy_violations = error_list(browser, "new_password")
        assert "at least 12 characters" in policy_violations  # the Owner is an admin: 12 at least
        assert "is one of the most common passwords" in policy_violations
        fill_in(browser, "/reset-password", new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)
        shown(browser, "password-reset-done")
        signed_out_within_5_seconds(old_session)

    browser.get(reset_page)
    fill_in(
        browser, "/reset-password", new_password="yet another passphrase", confirm_password="yet another passphrase"
    )
    assert "invalid, used or expired" in shown(browser, "reset-link-error").text

    sign_in(browser, suite, owner.email, owner.password)
    error = wait_until(browser, expected_conditions.visibility_of_element_located((By.CLASS_NAME, "error")))
    assert error.text == "Invalid email or password.", "the old password no longer works"
    sign_in(browser, suite, owner.email, NEW_PASSWORD)
    shown(browser, "audit")


def test_a_person_whose_organization_requires_two_factor_enrols_an_authenticator_and_signs_in_with_it(
    suite: Suite, browser: webdriver.Chrome
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as admin:
        etag = admin.get("/v1/security-policy").json()["policy"]["etag"]
        required = admin.patch(
            "/v1/security-policy", json={"mfa_required": "admins"}, headers={"If-Match": etag, "Idempotency-Key": "mfa"}
        )
        assert required.status_code == 200, required.text

    sign_in(browser, suite, owner.email, owner.password)
    shown(browser, "mfa-enrollment-required")
    assert urlsplit(browser.current_url).path == "/portal/security"
    browser.get(f"{suite.gateway_url}/portal")
    shown(browser, "mfa-enrollment-required")  # the overview sends them back until they enrol

    press(browser, shown(browser, "enrol-totp"))
    authenticator = pyotp.TOTP(shown(browser, "totp-secret").text)
    now = time.time()
    wrong_code = next(c for c in ("000000", "111111") if c not in {authenticator.at(now + d) for d in (-30, 0, 30)})
    fill_in(browser, "/portal/security/totp/confirm", totp_code=wrong_code)
    assert "not correct" in shown(browser, "two-factor-error").text
    assert shown(browser, "totp-secret").text == authenticator.secret, "the same secret stays on the page"
    fill_in(browser, "/portal/security/totp/confirm", totp_code=authenticator.now())
    recovery_codes = shown(browser, "recovery-codes").find_elements(By.TAG_NAME, "li")
    assert len(recovery_codes) == 10
    press(browser, browser.find_element(By.ID, "continue"))
    assert browser.find_element(By.CSS_SELECTOR, "header .org").text == "Acme"
    shown(browser, "audit")

    press(browser, browser.find_element(By.ID, "nav-security"))
    assert "10 recovery codes left" in shown(browser, "totp-on").text
    assert not browser.find_elements(By.ID, "enrol-totp")  # already on: nothing to set up
    fill_in(browser, "/portal/security/totp/disable", password=owner.password)
    assert (
        shown(browser, "two-factor-error").text
        == "Your organization requires a second factor; it cannot be turned off."
    )

    sign_out(browser)
    sign_in(browser, suite, owner.email, owner.password)
    # The code of the next time step: each step signs in once, and the one just used confirmed the set-up.
    fill_in(browser, "/portal/sign-in/mfa", totp_code=authenticator.at(time.time() + 30))
    shown(browser, "audit")
    assert urlsplit(browser.current_url).path == "/portal"


def test_a_person_signs_out_their_other_sessions_changes_their_password_and_turns_off_their_authenticator(
    suite: Suite, browser: webdriver.Chrome
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as laptop:
        sign_in(browser, suite, owner.email, owner.password)
        shown(browser, "audit")
        press(browser, browser.find_element(By.ID, "nav-security"))
        rows = session_rows(browser)
        assert len(rows) == 2
        current, other = rows
        assert "This session" in current.text and "Headless Chrome on Linux" in current.text
        assert "python-httpx" in other.text and "127.0.0.1" in other.text
        press(browser, other.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert notice_reads(browser, "That session has been signed out.")
        assert len(session_rows(browser)) == 1
        signed_out_within_5_seconds(laptop)

    with signed_in_client(suite, owner) as phone, signed_in_client(suite, owner) as tablet:
        browser.refresh()
        assert len(session_rows(browser)) == 3
        press(browser, shown(browser, "revoke-other-sessions"))
        assert notice_reads(browser, "Every other session of yours has been signed out.")
        signed_out_within_5_seconds(phone)
        signed_out_within_5_seconds(tablet)
        assert len(session_rows(browser)) == 1

    change_password = "/portal/security/password"
    fill_in(
        browser,
        change_password,
        current_password="not my password",
        new_password=NEW_PASSWORD,
        confirm_password=NEW_PASSWORD,
    )
    assert error_list(browser, "current_password") == ["is not your current password"]
    fill_in(
        browser,
        change_password,
        current_password=owner.password,
        new_password="password123",
        confirm_password="password123",
    )
    assert "is one of the most common passwords" in error_list(browser, "new_password")
    fill_in(
        browser,
        change_password,
        current_password=owner.password,
        new_password=NEW_PASSWORD,
        confirm_password=NEW_PASSWORD,
    )
    assert notice_reads(browser, "Your password has been changed.")

    enrol_an_authenticator(browser)
    shown(browser, "recovery-codes")
    browser.get(f"{suite.gateway_url}/portal/security")
    fill_in(browser, "/portal/security/totp/disable", password=NEW_PASSWORD)
    assert notice_reads(browser, "Your authenticator app is turned off.")

    sign_out(browser)
    sign_in(browser, suite, owner.email, NEW_PASSWORD)
    shown(browser, "audit")  # no code asked: the authenticator is off
