"""An Owner deletes the organization early from the portal's organization page (as respond.io's Owner can), with
the real processes and a real browser: a wrong name is refused next to the field, the right one schedules the
deletion, the page shows its date and every Owner is emailed; any Owner can cancel it during the grace period."""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.common.by import By

from services.common.tests.smtp_inbox import SmtpInbox
from services.suite import Suite
from tests.e2e.browser import axe_violations, click, sign_in, visit
from tests.e2e.conftest import create_owner, wait_for


def subjects_to(inbox: SmtpInbox, email: str) -> list[str]:
    return [str(message["Subject"]) for message in inbox.messages if str(message["To"]) == email]


def test_an_owner_deletes_the_organization_by_typing_its_name_and_cancels_it(
    suite: Suite, browser: webdriver.Chrome, smtp_inbox: SmtpInbox
) -> None:
    owner = create_owner(suite)
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/organization", "confirm-name")
    assert not browser.find_elements(By.ID, "requested-deletion-date")

    browser.find_element(By.ID, "confirm-name").send_keys("acme")
    click(browser, "request-deletion", "page-error")
    assert "name" in browser.find_element(By.CSS_SELECTOR, ".field-errors").text
    assert not browser.find_elements(By.ID, "requested-deletion-date")

    browser.find_element(By.ID, "confirm-name").send_keys("Acme")
    click(browser, "request-deletion", "requested-deletion-date")
    assert browser.find_element(By.ID, "notice").is_displayed()
    assert browser.find_element(By.ID, "cancel-deletion").is_displayed()
    assert axe_violations(browser) == []
    wait_for(lambda: any("will be deleted on" in subject for subject in subjects_to(smtp_inbox, owner.email)))

    click(browser, "cancel-deletion", "confirm-name")
    assert not browser.find_elements(By.ID, "requested-deletion-date")
    wait_for(lambda: any("canceled" in subject for subject in subjects_to(smtp_inbox, owner.email)))
