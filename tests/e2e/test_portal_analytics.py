"""The portal's Analytics page in a real browser through real processes: the Owner's own sign-in shows as this
week's activity and adoption, the trend switches between 7, 30 and 90 days, and the tables download as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from services.billing.domain.catalogue import DEFAULT_CATALOGUE_PATH
from services.common.tests.smtp_inbox import SmtpInbox
from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client, start_suite, wait_for
from tests.e2e.test_portal_sections import axe_violations, nav_sections, sign_in, visit


@pytest.fixture
def analytics_suite(tmp_path: Path, smtp_inbox: SmtpInbox) -> Iterator[Suite]:
    """A suite whose new organizations get the plan with the analytics module."""
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        DEFAULT_CATALOGUE_PATH.read_text().replace(
            'default_plan = "team-monthly"', 'default_plan = "enterprise-yearly"'
        )
    )
    running = start_suite(tmp_path / "data", smtp_inbox.port, {"TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue)})
    yield running
    running.stop()


def test_an_owner_sees_adoption_and_the_trend_and_downloads_member_activity(
    analytics_suite: Suite, browser: webdriver.Chrome
) -> None:
    suite = analytics_suite
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        wait_for(lambda: client.get("/v1/analytics/adoption").json().get("active_users_this_week") == 1)
    sign_in(browser, suite, owner.email, owner.password)
    assert "nav-analytics" in nav_sections(browser)
    visit(browser, suite, "/portal/analytics", "active-this-week")
    assert browser.find_element(By.ID, "active-this-week").text == "1"
    assert browser.find_element(By.ID, "seats-in-use").text.startswith("1 / ")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#trend tbody tr")) == 30
    line = browser.find_element(By.CSS_SELECTOR, "#trend-chart polyline").get_attribute("points") or ""
    assert len(line.split()) == 30 and line.split()[-1].endswith(",0.0"), "today's one active member is the peak"
    browser.find_element(By.ID, "window-7").click()
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "#trend tbody tr")) == 7)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#member-activity tbody tr")) == 1
    cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    href = str(browser.find_element(By.ID, "export-members").get_attribute("href"))
    exported = httpx.get(href, cookies=cookies, timeout=15)
    assert exported.status_code == 200 and exported.text.startswith("member_id,active_days")
    assert axe_violations(browser) == []
