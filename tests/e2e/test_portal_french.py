"""A French-speaking person in a real browser (headless Chromium whose languages are French): the portal speaks
French from the sign-in page on, and the password is changed in French."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from gateway.portal import i18n
from services.suite import Suite
from tests.e2e.browser import axe_violations, click, press, sign_in, visit, wait_until
from tests.e2e.conftest import chromium, create_owner, signed_in_client

NEW_PASSWORD = "une toute nouvelle phrase de passe"
FRENCH = json.loads((i18n.LOCALES_DIR / "fr.json").read_text(encoding="utf-8"))


@pytest.fixture
def french_browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    session = chromium(tmp_path / "chromium", accept_language="fr-FR,fr")
    yield session
    session.quit()


def page_language(browser: webdriver.Chrome) -> str:
    return browser.find_element(By.TAG_NAME, "html").get_attribute("lang") or ""


def heading(browser: webdriver.Chrome) -> str:
    return browser.find_element(By.TAG_NAME, "h1").text


def change_password_form(browser: webdriver.Chrome, current: str, new: str, again: str) -> None:
    form = browser.find_element(By.CSS_SELECTOR, "form[action='/portal/security/password']")
    for name, value in (("current_password", current), ("new_password", new), ("confirm_password", again)):
        form.find_element(By.NAME, name).send_keys(value)


def test_a_french_speaking_person_signs_in_and_changes_their_password_in_french(
    suite: Suite, french_browser: webdriver.Chrome
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner):  # waits until identity knows the Owner's membership
        pass
    browser = french_browser

    browser.get(f"{suite.gateway_url}/")
    assert (page_language(browser), heading(browser)) == ("fr", "Se connecter")
    assert browser.find_element(By.ID, "forgot-password").text == "Mot de passe oublié ?"
    assert axe_violations(browser) == []

    sign_in(browser, suite, owner.email, owner.password)
    assert page_language(browser) == "fr"
    assert FRENCH["Overview"] in [link.text for link in browser.find_elements(By.CSS_SELECTOR, "header nav a")]

    visit(browser, suite, "/portal/security", "change-password")
    assert heading(browser) == "Sécurité"
    assert browser.find_element(By.CSS_SELECTOR, "#password h2").text == "Changer votre mot de passe"
    assert "Cette session" in browser.find_element(By.ID, "session-list").text
    assert axe_violations(browser) == []

    change_password_form(browser, owner.password, NEW_PASSWORD, "autre chose")
    click(browser, "change-password", "confirm_password-errors")
    assert browser.find_element(By.ID, "password-error").text == "Saisissez deux fois le même nouveau mot de passe."
    assert browser.find_element(By.ID, "confirm_password-errors").text == "ne correspond pas au nouveau mot de passe"

    change_password_form(browser, owner.password, NEW_PASSWORD, NEW_PASSWORD)
    click(browser, "change-password", "notice")
    changed = FRENCH["Your password has been changed. Your other sessions were signed out."]
    assert wait_until(browser, expected_conditions.text_to_be_present_in_element((By.ID, "notice"), changed))

    press(browser, browser.find_element(By.CSS_SELECTOR, "header form[action='/portal/sign-out'] button"))
    wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "forgot-password")))
    assert heading(browser) == "Se connecter"
    sign_in(browser, suite, owner.email, NEW_PASSWORD)
    assert page_language(browser) == "fr"
