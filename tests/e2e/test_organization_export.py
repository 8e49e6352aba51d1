"""The organization's data export through real processes (Talkspirit: export your data before cancelling, one
export at a time): on a plan without audit_export, an Owner asks for it from the Organization page in a real
browser, follows its progress, and downloads one ZIP holding the audit log, members and groups, roles and invoices,
with the parts the plan lacks (analytics) named in its manifest. (That a second export waits for the first is
audit's own test, where the clock and the job are in hand.)"""

from __future__ import annotations

import io
import json
import zipfile

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from services.common.tests.smtp_inbox import SmtpInbox
from services.suite import Suite
from tests.e2e.browser import axe_violations, click, sign_in, visit, wait_until
from tests.e2e.conftest import create_owner, signed_in_client, wait_for


def test_an_owner_exports_everything_the_organization_keeps_as_one_archive(
    suite: Suite, smtp_inbox: SmtpInbox, browser: webdriver.Chrome
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        invited = client.post("/v1/invitations", json={"invitees": [{"email": "ann@acme.test"}]})
        assert invited.status_code in (200, 201, 207), invited.text
        wait_for(lambda: client.get("/v1/audit/entries", params={"action": "member.invited"}).json()["entries"], 30)
        filtered = client.post("/v1/audit/exports", json={"format": "csv"})
        assert filtered.status_code == 409 and filtered.json()["reason"] == "ENTITLEMENT_REQUIRED", filtered.text

    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/organization", "data-export-submit")
    click(browser, "data-export-submit", "data-export-status")
    assert axe_violations(browser) == []
    download = wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "data-export-download")))
    cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    archive = httpx.get(str(download.get_attribute("href")), cookies=cookies, timeout=30)
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip", archive.text[:300]

    files = zipfile.ZipFile(io.BytesIO(archive.content))
    assert files.testzip() is None
    names = set(files.namelist())
    assert {"members.json", "members.csv", "groups.csv", "roles.json", "billing/invoices.json"} <= names
    assert {"audit/checkpoints.json", "audit/checkpoint-keys.json", "manifest.json"} <= names
    [log_name] = [name for name in names if name.startswith("audit/organization-audit-log-")]
    actions = {json.loads(line)["record"]["action"] for line in files.read(log_name).decode().splitlines()}
    assert "member.invited" in actions
    assert "ann@acme.test" in files.read("members.csv").decode()
    owner_role = next(r for r in json.loads(files.read("roles.json"))["built_in_roles"] if r["key"] == "owner")
    assert "org.manage" in owner_role["permissions"]
    manifest = json.loads(files.read("manifest.json"))
    assert "analytics" in manifest["left_out"] and "analytics" in manifest["left_out"]["analytics"]
    assert set(manifest["files"]) == names - {"manifest.json"}

    with signed_in_client(suite, owner) as client:
        first = client.post("/v1/organization/exports")
        assert first.status_code == 202, first.text
        # Either the first is still being written (one at a time), or it is done and a second may start.
        second = client.post("/v1/organization/exports")
        assert second.status_code == 202 or second.json()["reason"] == "EXPORT_IN_PROGRESS", second.text
        listed = [e["id"] for e in client.get("/v1/organization/exports").json()["exports"]]
        assert first.json()["id"] in listed and len(listed) >= 2
