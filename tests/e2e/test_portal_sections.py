"""The portal's sections in a real browser through real processes, each doing its main task as an administrator
would, plus who sees what (the access matrix), the French portal, security headers and an axe-core check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select

from services.billing.domain.catalogue import DEFAULT_CATALOGUE_PATH
from services.common.tests.smtp_inbox import SmtpInbox
from services.suite import Suite
from tests.e2e.browser import (
    axe_violations,
    click,
    leaving_the_page,
    nav_sections,
    press,
    sign_in,
    visit,
    wait_until,
)
from tests.e2e.conftest import Owner, create_owner, form_token, signed_in_client, start_suite, wait_for

JOINER_PASSWORD = "river stone lamp 42"


def join(suite: Suite, client: httpx.Client, inbox: SmtpInbox, email: str, role: str) -> None:
    """Invite `email` with `role` and accept the emailed invitation as that person would."""
    seen = len(inbox.messages)
    invited = client.post("/v1/invitations", json={"invitees": [{"email": email, "role": role}]})
    assert invited.status_code == 200 and invited.json()["results"][0]["error"] is None, invited.text
    message = wait_for(lambda: inbox.messages[seen:])[0]
    link = next(word for word in message.get_payload(decode=True).decode().split() if "/accept-invitation?" in word)
    with httpx.Client(base_url=suite.gateway_url, headers={"Origin": suite.gateway_url}, timeout=15) as joiner:
        page = joiner.get(f"/accept-invitation?{urlsplit(link).query}")
        form = {**dict(parse_qsl(urlsplit(link).query)), "csrf_token": form_token(page.text)}
        accepted = joiner.post("/accept-invitation", data={**form, "password": JOINER_PASSWORD})
        assert accepted.status_code == 303, accepted.text[-300:]
    with signed_in_client(suite, Owner(organization_id="", email=email, password=JOINER_PASSWORD)):
        pass  # identity knows the new member's organization: their next sign-in has it


@pytest.fixture
def owner(suite: Suite) -> Owner:
    return create_owner(suite)


def test_an_owner_invites_by_email_and_by_csv_with_a_dry_run_then_commits(
    suite: Suite, owner: Owner, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    with signed_in_client(suite, owner):
        pass
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/team", "invite-email")
    browser.find_element(By.ID, "invite-email").send_keys("ann@acme.test")
    click(browser, "invite-submit", "notice")
    assert "ann@acme.test" in browser.find_element(By.ID, "member-table").text

    csv_file = tmp_path / "people.csv"
    csv_file.write_text("email,name,role,groups\nbob@acme.test,Bob,member,\nnot-an-email,Nobody,member,\n")
    visit(browser, suite, "/portal/team/import", "import-file")
    browser.find_element(By.ID, "import-file").send_keys(str(csv_file))
    click(browser, "import-check", "import-rows")
    rows = browser.find_element(By.ID, "import-rows").text
    assert "bob@acme.test" in rows and "Ready to invite" in rows
    assert len(browser.find_elements(By.CSS_SELECTOR, "#import-rows tr.refused")) == 1
    browser.save_screenshot(str(tmp_path / "import-dry-run.png"))
    click(browser, "import-commit", "import-summary")
    assert browser.find_element(By.ID, "import-summary").text.startswith("1 invitations sent")
    visit(browser, suite, "/portal/team?status=invited", "member-table")
    assert "bob@acme.test" in browser.find_element(By.ID, "member-table").text
    assert axe_violations(browser) == []


def test_a_bulk_role_change_shows_each_members_outcome_with_the_refused_one(
    suite: Suite, owner: Owner, browser: webdriver.Chrome
) -> None:
    with signed_in_client(suite, owner) as client:
        for email in ("cy@acme.test", "di@acme.test"):
            client.post("/v1/invitations", json={"invitees": [{"email": email}]})
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/team", "select-all")
    browser.find_element(By.ID, "select-all").click()
    Select(browser.find_element(By.ID, "bulk-action")).select_by_value("deactivate")

    def submit_and_confirm() -> None:
        browser.find_element(By.ID, "bulk-submit").click()
        browser.switch_to.alert.accept()

    leaving_the_page(browser, submit_and_confirm)
    wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "bulk-results")))
    refused = browser.find_elements(By.CSS_SELECTOR, "#bulk-results tr.refused")
    # Nobody deactivates themselves, and invitations are revoked rather than deactivated: each says why.
    assert refused and any(owner.email in row.text for row in refused)
    assert browser.find_element(By.ID, "bulk-summary").text.endswith("members changed.")


@pytest.fixture
def paying_suite(tmp_path: Path, smtp_inbox: SmtpInbox) -> Iterator[Suite]:
    """A suite whose plans have no trial, so the organization is invoiced from its first day."""
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(DEFAULT_CATALOGUE_PATH.read_text().replace("trial_days = 14", "trial_days = 0"))
    running = start_suite(tmp_path / "data", smtp_inbox.port, {"TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue)})
    yield running
    running.stop()


def test_an_owner_previews_added_seats_then_adds_them_and_downloads_an_invoice_pdf(
    paying_suite: Suite, browser: webdriver.Chrome
) -> None:
    suite = paying_suite
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        card = {"kind": "test", "reference": "tok_visa", "brand": "visa", "last4": "4242"}
        wait_for(
            lambda: client.put("/v1/billing/payment-method", json={**card, "expiry_month": 12, "expiry_year": 2030})
        )
        wait_for(lambda: client.get("/v1/billing/invoices").json()["invoices"])
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/billing", "seats-input")
    before = int(browser.find_element(By.ID, "seats-purchased").text.replace(",", "").replace("\u202f", ""))
    seats = browser.find_element(By.ID, "seats-input")
    seats.clear()
    seats.send_keys(str(before + 5))
    click(browser, "seats-submit", "seat-preview")
    charge_now = browser.find_element(By.ID, "preview-charge-now").text
    assert "prorated until" in charge_now and "€" in charge_now
    previewed_amount = charge_now.split(" · ")[0]
    assert browser.find_element(By.ID, "seats-purchased").text == str(before), "a preview changes nothing"
    assert axe_violations(browser) == []
    # A charge that is no longer the one shown (as if time went on) is not made: the page previews it again.
    browser.execute_script("document.querySelector('[name=expected_charge_minor]').value = '1'")
    click(browser, "seats-confirm", "seat-preview")
    assert "no longer the one previewed" in browser.find_element(By.ID, "page-error").text
    assert browser.find_element(By.ID, "seats-purchased").text == str(before)
    click(browser, "seats-confirm", "notice")
    assert browser.find_element(By.ID, "seats-purchased").text == str(before + 5)
    links = browser.find_elements(By.CSS_SELECTOR, "a.invoice-pdf")
    assert len(links) == 2, "the first invoice and the prorated one for the added seats"
    newest = browser.find_element(By.CSS_SELECTOR, "#invoice-table tbody tr").text
    assert previewed_amount in newest, "the amount previewed is the amount invoiced"
    cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    pdf = httpx.get(str(links[0].get_attribute("href")), cookies=cookies, timeout=15)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert axe_violations(browser) == []

    # Another interval waits for the renewal: the preview says so, charges nothing now, and prices the next invoice.
    Select(browser.find_element(By.ID, "plan-select")).select_by_value("team-yearly")
    click(browser, "plan-submit", "plan-preview")
    assert browser.find_element(By.ID, "plan-preview-when").text.startswith("At the end of the term")
    assert "nothing is charged now" in browser.find_element(By.ID, "plan-preview-charge-now").text
    assert "1,800.00" in browser.find_element(By.ID, "plan-preview-next-invoice").text  # 15 seats x 120.00
    assert axe_violations(browser) == []
    click(browser, "plan-confirm", "notice")
    with signed_in_client(suite, owner) as client:
        assert client.get("/v1/billing/subscription").json()["subscription"]["plan_at_renewal"] == "team-yearly"


def test_an_owner_searches_the_audit_log_and_sees_the_chain_verified(
    suite: Suite, owner: Owner, browser: webdriver.Chrome
) -> None:
    with signed_in_client(suite, owner) as client:
        client.post("/v1/invitations", json={"invitees": [{"email": "eve@acme.test"}]})
        wait_for(lambda: client.get("/v1/audit/entries", params={"action": "member.invited"}).json()["entries"])
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/audit?action=member.invited", "audit")
    table = browser.find_element(By.ID, "audit").text
    assert "member.invited" in table and "eve@acme.test" in table
    # Verifying the chain is the operators' (an organization's admins do not vouch for their own log).
    assert not browser.find_elements(By.ID, "chain-status")
    assert axe_violations(browser) == []


def test_each_role_sees_only_its_sections_and_only_the_actions_it_may_use(
    suite: Suite, owner: Owner, browser: webdriver.Chrome, smtp_inbox: SmtpInbox
) -> None:
    with signed_in_client(suite, owner) as client:
        saved = client.post(
            "/v1/roles", json={"key": "accountant", "name": "Accountant", "permissions": ["billing.read"]}
        )
        assert saved.status_code == 200, saved.text
        join(suite, client, smtp_inbox, "acc@acme.test", "accountant")
        join(suite, client, smtp_inbox, "ua@acme.test", "user_admin")
        join(suite, client, smtp_inbox, "mem@acme.test", "member")

    sign_in(browser, suite, "acc@acme.test", JOINER_PASSWORD)
    wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "invoices")))
    assert nav_sections(browser) == ["nav-billing", "nav-security"]
    assert not browser.find_elements(By.ID, "seats-submit"), "reading billing is not managing it"
    browser.get(f"{suite.gateway_url}/portal/team")
    assert "forbidden" in browser.page_source.lower() or "no access" in browser.title.lower()
    browser.delete_all_cookies()

    sign_in(browser, suite, "ua@acme.test", JOINER_PASSWORD)
    visit(browser, suite, "/portal/team", "member-table")
    assert not {"nav-organization", "nav-provisioning"} & set(nav_sections(browser))
    browser.get(f"{suite.gateway_url}/portal/provisioning")
    assert "You do not have access" in browser.find_element(By.TAG_NAME, "h1").text
    visit(browser, suite, f"/portal/team/member?email={owner.email}", "member-email")
    assert not browser.find_elements(By.ID, "actions"), "a User admin cannot act on an Owner"
    visit(browser, suite, "/portal/team/member?email=mem@acme.test", "member-email")
    assert browser.find_elements(By.ID, "deactivate-member")
    assert not browser.find_elements(By.ID, "change-role"), "a User admin cannot promote or demote"
    browser.delete_all_cookies()

    sign_in(browser, suite, "mem@acme.test", JOINER_PASSWORD)
    browser.get(f"{suite.gateway_url}/portal")
    assert "You do not have access" in browser.find_element(By.TAG_NAME, "h1").text
    assert nav_sections(browser) == ["nav-security"]


def test_the_portal_speaks_french_when_chosen_and_formats_money_the_french_way(
    suite: Suite, owner: Owner, browser: webdriver.Chrome
) -> None:
    with signed_in_client(suite, owner):
        pass
    sign_in(browser, suite, owner.email, owner.password)
    Select(browser.find_element(By.NAME, "language")).select_by_value("fr")
    press(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/portal/language'] button"))
    wait_until(browser, lambda b: b.find_element(By.ID, "nav-team").text == "Équipe")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    visit(browser, suite, "/portal/billing", "plan-name")
    assert "€" in browser.find_element(By.CSS_SELECTOR, ".tiles").text
    assert "par siège" in browser.find_element(By.CSS_SELECTOR, ".tiles").text


def test_pages_carry_security_headers_and_assets_are_cached(suite: Suite) -> None:
    page = httpx.get(f"{suite.gateway_url}/", timeout=15)
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "same-origin"
    asset = httpx.get(f"{suite.gateway_url}/static/portal.js", timeout=15)
    assert asset.status_code == 200 and "max-age" in asset.headers["cache-control"]


def test_an_owner_edits_the_organization_and_its_security_policy_and_creates_an_api_key(
    suite: Suite, owner: Owner, browser: webdriver.Chrome
) -> None:
    with signed_in_client(suite, owner):
        pass
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/organization", "org-name")
    name = browser.find_element(By.ID, "org-name")
    name.clear()
    name.send_keys("Acme Europe")
    click(browser, "save-organization", "notice")
    assert browser.find_element(By.CSS_SELECTOR, "header .org").text == "Acme Europe"
    assert axe_violations(browser) == []

    visit(browser, suite, "/portal/security/organization", "policy-idle")
    idle = browser.find_element(By.ID, "policy-idle")
    idle.clear()
    idle.send_keys("900")
    click(browser, "save-policy", "notice")
    assert browser.find_element(By.ID, "policy-idle").get_attribute("value") == "900"
    browser.find_element(By.ID, "api-key-name").send_keys("CI")
    browser.find_element(By.CSS_SELECTOR, "input[name=permissions][value='members.read']").click()
    click(browser, "create-api-key", "new-key-secret")
    secret = browser.find_element(By.ID, "new-key-secret").text
    listed = httpx.get(f"{suite.gateway_url}/v1/members", headers={"Authorization": f"Bearer {secret}"}, timeout=15)
    assert listed.status_code == 200
    visit(browser, suite, "/portal/security/organization", "api-key-table")
    assert not browser.find_elements(By.ID, "new-key-secret"), "the secret is shown once"
    assert axe_violations(browser) == []


def test_an_owner_gives_up_their_own_seat_from_the_member_page_and_stays_owner(
    suite: Suite, owner: Owner, browser: webdriver.Chrome
) -> None:
    """Talkatoo: the account holder removes their own dictation rights to free a licence for someone else."""
    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, f"/portal/team/member?email={owner.email}", "member-seat")
    assert browser.find_element(By.ID, "member-seat").text == "Yes"
    click(browser, "switch-seat", "notice")
    assert browser.find_element(By.ID, "member-seat").text == "No"
    assert browser.find_element(By.ID, "member-role").text == "Owner"
    assert axe_violations(browser) == []
    with signed_in_client(suite, owner) as client:
        me = next(m for m in client.get("/v1/members").json()["members"] if m["email"] == owner.email)
        assert me["uses_seat"] is False and me["role"] == "owner"
