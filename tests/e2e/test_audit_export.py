"""Audit exports through real processes: over REST an auditor asks for a filtered CSV, follows the job and
downloads it, and both show in the log; in a real browser an Owner asks for JSON lines from the audit page, the
progress page follows the job until the download appears, and the file holds the log's entries."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from services.suite import Suite
from tests.e2e.browser import axe_violations, click, sign_in, visit, wait_until
from tests.e2e.conftest import create_owner, signed_in_client, start_suite, wait_for
from tests.e2e.scim_peer import enterprise_catalogue


@pytest.fixture
def enterprise_suite(tmp_path: Path) -> Iterator[Suite]:
    """New organizations get the Enterprise plan, whose features include audit_export."""
    catalogue = enterprise_catalogue(tmp_path)
    running = start_suite(tmp_path / "data", extra_env={"TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue)})
    yield running
    running.stop()


def finished(client: httpx.Client, export_id: str) -> dict[str, Any] | None:
    shown = client.get(f"/v1/audit/exports/{export_id}")
    assert shown.status_code == 200, shown.text
    return shown.json() if shown.json()["state"] == "succeeded" else None


def test_an_export_is_asked_for_followed_and_downloaded_over_rest_and_in_the_portal(
    enterprise_suite: Suite, browser: webdriver.Chrome
) -> None:
    suite = enterprise_suite
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        invited = client.post("/v1/invitations", json={"invitees": [{"email": "ann@acme.test"}]})
        assert invited.status_code in (200, 201, 207), invited.text
        wait_for(lambda: client.get("/v1/audit/entries", params={"action": "member.invited"}).json()["entries"], 30)
        wrong = client.post("/v1/audit/exports", json={"format": "xlsx"})
        assert wrong.status_code == 422, wrong.text

        asked = client.post("/v1/audit/exports", json={"format": "csv", "filter": {"action_prefix": "member."}})
        assert asked.status_code == 202, asked.text
        assert asked.headers["location"] == f"/v1/audit/exports/{asked.json()['id']}"
        done = wait_for(lambda: finished(client, asked.json()["id"]), timeout=30)
        assert done["percent_complete"] == 100 and done["rows_written"] >= 1
        downloaded = client.get(done["download_url"])
        assert downloaded.status_code == 200, downloaded.text
        assert downloaded.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(downloaded.text)))
        assert {row["action"] for row in rows} <= {"member.invited", "member.joined", "member.added"}
        assert "ann@acme.test" in {row["target_display"] for row in rows}

        def audited() -> list[str] | None:
            found = client.get("/v1/audit/entries", params={"action_prefix": "audit_export."}).json()["entries"]
            actions = sorted(entry["action"] for entry in found)
            return actions if len(actions) == 2 else None

        assert wait_for(audited, timeout=10) == ["audit_export.downloaded", "audit_export.requested"]

    sign_in(browser, suite, owner.email, owner.password)
    visit(browser, suite, "/portal/audit", "export-form")
    assert axe_violations(browser) == []
    browser.find_element(By.ID, "export-format").send_keys("JSON lines")
    click(browser, "export-submit", "export-status")
    assert browser.current_url.startswith(f"{suite.gateway_url}/portal/audit/exports/")
    download = wait_until(browser, expected_conditions.presence_of_element_located((By.ID, "export-download")))
    assert axe_violations(browser) == []
    cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    jsonl = httpx.get(str(download.get_attribute("href")), cookies=cookies, timeout=15)
    assert jsonl.status_code == 200 and jsonl.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    assert lines and all(line["kind"] == "entry" for line in lines)
    assert "audit_export.requested" in {line["record"]["action"] for line in lines}  # the REST export, earlier
    visit(browser, suite, "/portal/audit", "exports")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#exports tbody tr")) == 2

    # On a plan with every part (analytics too), the organization's data export leaves nothing out.
    with signed_in_client(suite, owner) as client:
        asked = client.post("/v1/organization/exports")
        assert asked.status_code == 202, asked.text

        def archive_url() -> str | None:
            shown = client.get(f"/v1/organization/exports/{asked.json()['id']}").json()
            return shown["archive_url"] if shown["state"] == "succeeded" else None

        archive = client.get(wait_for(archive_url, timeout=30))
        assert archive.status_code == 200, archive.text[:300]
        files = zipfile.ZipFile(io.BytesIO(archive.content))
        assert json.loads(files.read("manifest.json"))["left_out"] == {}
        trend = files.read("analytics/active-members-per-day.csv").decode().splitlines()
        assert trend[0] == "day,active_members" and len(trend) == 91
        assert {"analytics/member-activity.csv", "analytics/daily-usage.csv"} <= set(files.namelist())
