"""Driving the portal in a real browser without racing it.

Every portal action is a full page load (a form post answered by a new page). A lookup made right after a click can
still land on the page being left, and an element found there goes stale a moment later. So every click that leaves
the page goes through `leaving_the_page`, which waits until the old document is gone before anything is looked up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from services.suite import Suite

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGE_TIMEOUT_SECONDS = 20

Found = TypeVar("Found")


def wait_until(browser: webdriver.Chrome, condition: Callable[[webdriver.Chrome], Literal[False] | Found]) -> Found:
    """Wait for `condition`, treating an element gone stale under it as 'not yet' rather than a failure."""
    waiting = WebDriverWait(browser, PAGE_TIMEOUT_SECONDS, ignored_exceptions=[StaleElementReferenceException])
    return waiting.until(condition)


def leaving_the_page(browser: webdriver.Chrome, action: Callable[[], object]) -> None:
    """Run `action` (a click that submits a form or follows a link) and wait until the page it leaves is gone."""
    before = browser.find_element(By.TAG_NAME, "html")
    action()

    def gone(_: webdriver.Chrome) -> bool:
        try:
            before.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            # Asked in the instant the old document is being replaced, chromedriver may say this instead of "stale".
            if "does not belong to the document" in (exc.msg or ""):
                return True
            raise
        return False

    wait_until(browser, gone)


def press(browser: webdriver.Chrome, element: WebElement) -> None:
    """Click a button or link that loads a new page, and wait for the old one to go."""
    leaving_the_page(browser, element.click)


def sign_in(browser: webdriver.Chrome, suite: Suite, email: str, password: str) -> None:
    browser.get(f"{suite.gateway_url}/")
    browser.find_element(By.NAME, "email").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(password)
    press(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait_until(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "header nav")))


def visit(browser: webdriver.Chrome, suite: Suite, path: str, wait_for_id: str) -> None:
    browser.get(f"{suite.gateway_url}{path}")
    wait_until(browser, expected_conditions.presence_of_element_located((By.ID, wait_for_id)))


def click(browser: webdriver.Chrome, element_id: str, then_id: str) -> None:
    """Click `element_id`, then wait for the next page to show `then_id`; when it does not come, fail with what the
    page says instead."""
    press(browser, browser.find_element(By.ID, element_id))
    try:
        wait_until(browser, expected_conditions.presence_of_element_located((By.ID, then_id)))
    except TimeoutException:
        errors = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".error, .field-errors")]
        raise AssertionError(f"no #{then_id} after #{element_id}; the page says {errors}") from None


def nav_sections(browser: webdriver.Chrome) -> list[str]:
    return [link.get_attribute("id") or "" for link in browser.find_elements(By.CSS_SELECTOR, "header nav a")]


def axe_violations(browser: webdriver.Chrome) -> list[dict[str, object]]:
    """Serious and critical accessibility violations axe-core finds on the current page."""
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));"
    )
    violations: list[dict[str, object]] = json.loads(result)
    return [v for v in violations if v.get("impact") in ("serious", "critical")]
