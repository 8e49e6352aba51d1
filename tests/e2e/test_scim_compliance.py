"""C1: scim2-tester, the SCIM RFC compliance checker, runs every one of its checks against a fresh organization of
the suite as real processes, on SQLite and on PostgreSQL, and none may end worse than a tolerated deviation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scim2_tester import CheckResult, Status, check_server, get_all_available_tags

from services.common.testing import PostgresDatabases
from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client
from tests.e2e.scim_peer import HttpxScimClient, scim_http, scim_token, start_enterprise_suite

SERVICES = ("identity", "membership", "billing", "audit")
# A check ends in one of these when the server does what the RFCs say it MUST, SHOULD or MAY.
PASSING = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}


@pytest.fixture(params=["sqlite", "postgres"])
def enterprise_suite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Suite]:
    databases: dict[str, str] = {}
    if request.param == "postgres":
        postgres: PostgresDatabases = request.getfixturevalue("postgres_databases")
        databases = {f"TENANTRY_{name.upper()}_DATABASE_URL": postgres.create() for name in SERVICES}
    # The checker creates and deletes about 40 users: seats for them all.
    running = start_enterprise_suite(tmp_path, extra_env=databases | {"TENANTRY_BILLING_DEFAULT_SEATS": "200"})
    yield running
    running.stop()


def described(result: CheckResult) -> str:
    return f"{result.status.name} {result.resource_type or ''} {result.title}: {result.reason}"


def test_C1_every_scim2_tester_check_passes_against_a_fresh_organization(enterprise_suite: Suite) -> None:
    owner = create_owner(enterprise_suite)
    secret, _ = scim_token(enterprise_suite, owner)
    with signed_in_client(enterprise_suite, owner) as portal:
        # The checker deletes every user it made, far past the safety hold's 10 % an hour of a fresh organization.
        allowed = portal.put("/v1/scim/hold-policy", json={"percent": 100, "floor": 1000})
        assert allowed.status_code == 200, allowed.text
    with scim_http(enterprise_suite, secret) as http:
        results = check_server(HttpxScimClient(http), include_tags=set(get_all_available_tags()))

    ran = [result for result in results if result.status is not Status.SKIPPED]
    assert {tag for result in ran for tag in result.tags} >= {"discovery", "crud:create", "crud:read", "misc"}
    assert {result.resource_type for result in ran} >= {"User", "Group"}
    failed = [described(result) for result in ran if result.status not in PASSING]
    assert failed == [], "\n".join(failed)
