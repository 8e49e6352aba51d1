"""A downgrade never silently breaks sign-in, through real processes: with an operator's catalogue whose Team plan
lacks SSO, an Owner on Enterprise who enabled an SSO connection is refused Team over REST (409 FEATURE_IN_USE,
naming the connection); once the connection is disabled, identity's event reaches billing and the move is taken."""

from __future__ import annotations

from pathlib import Path

from services.billing.domain.catalogue import DEFAULT_CATALOGUE_PATH
from tests.e2e.conftest import create_owner, signed_in_client, start_suite, wait_for
from tests.e2e.test_sso_admin_api import idp_metadata


def test_an_owner_cannot_move_to_a_plan_without_sso_while_a_connection_is_enabled(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        DEFAULT_CATALOGUE_PATH.read_text()
        .replace('default_plan = "team-monthly"', 'default_plan = "enterprise-yearly"')
        .replace('entitlements = ["sso", "audit_log"]', 'entitlements = ["audit_log"]')
    )
    suite = start_suite(tmp_path / "data", extra_env={"TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue)})
    try:
        owner = create_owner(suite)
        with signed_in_client(suite, owner) as client:
            metadata_xml, _ = idp_metadata("acme-idp")
            created = client.post(
                "/v1/sso/connections",
                json={"name": "Acme Okta", "protocol": "saml", "saml": {"metadata_xml": metadata_xml}},
            )
            assert created.status_code == 201, created.text
            path = f"/v1/sso/connections/{created.json()['connection']['id']}"
            enabled = client.patch(path, json={"enabled": True}, headers={"If-Match": created.headers["ETag"]})
            assert enabled.status_code == 200, enabled.text

            def refused() -> dict[str, object] | None:
                answer = client.post("/v1/billing/subscription/plan", json={"plan_id": "team-monthly"})
                assert answer.status_code in (200, 409), answer.text
                return answer.json() if answer.status_code == 409 else None

            problem = wait_for(refused, timeout=20)
            assert problem["reason"] == "FEATURE_IN_USE"
            assert "'Acme Okta'" in str(problem["detail"]) and "disable or delete it first" in str(problem["detail"])
            assert client.get("/v1/billing/subscription").json()["subscription"]["plan_id"] == "enterprise-yearly"

            disabled = client.patch(path, json={"enabled": False}, headers={"If-Match": enabled.headers["ETag"]})
            assert disabled.status_code == 200, disabled.text

            def moved() -> bool:
                answer = client.post("/v1/billing/subscription/plan", json={"plan_id": "team-monthly"})
                assert answer.status_code in (200, 409), answer.text
                return answer.status_code == 200

            assert wait_for(moved, timeout=20)
    finally:
        suite.stop()
