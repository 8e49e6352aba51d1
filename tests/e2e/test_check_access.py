"""The path an internal service follows to ask CheckAccess, through the real processes: an Owner creates a service
account, the example client (examples/check_access_client.py) turns its key into a principal once and asks
membership; a module switched off is refused within 5 seconds."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, wait_for

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))

from check_access_client import AccessClient  # noqa: E402


def run_example(suite: Suite, key: str, organization_id: str, member_id: str, module: str) -> tuple[int, dict]:
    finished = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "check_access_client.py"),
         "--identity", f"127.0.0.1:{suite.ports.identity}", "--membership", f"127.0.0.1:{suite.ports.membership}",
         "--organization", organization_id, "--member", member_id, "--module", module],
        env={**os.environ, "TENANTRY_SERVICE_ACCOUNT_KEY": key}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert finished.returncode in (0, 1), finished.stderr
    return finished.returncode, json.loads(finished.stdout)


def test_a_service_account_asks_check_access_through_the_example_client(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        created = client.post(
            "/v1/service-accounts",
            json={"name": "Dictation backend", "permissions": ["members.read"]},
            headers={"Idempotency-Key": "svc-1"},
        )
        assert created.status_code == 201, created.text
        service_key = created.json()["secret"]
        [me] = client.get("/v1/members", params={"email": owner.email}).json()["members"]

    # Billing's entitlements reach membership through an event: until then the module is not entitled.
    wait_for(lambda: run_example(suite, service_key, owner.organization_id, me["id"], "dictation")[0] == 0, 15)
    code, decision = run_example(suite, service_key, owner.organization_id, me["id"], "integrations")
    assert (code, decision["allowed"], decision["reason"]) == (1, False, "NOT_ENTITLED")  # not in the Team plan

    async def many_checks_one_authentication() -> tuple[int, list[bool]]:
        access = AccessClient(f"127.0.0.1:{suite.ports.identity}", f"127.0.0.1:{suite.ports.membership}", service_key)
        try:
            answers = [(await access.check(owner.organization_id, me["id"], "dictation")).allowed for _ in range(20)]
            batch = await access.check_many(owner.organization_id, [(me["id"], "dictation"), ("nobody", "dictation")])
            return access.authentications, answers + [d.allowed for d in batch]
        finally:
            await access.close()

    authentications, answers = asyncio.run(many_checks_one_authentication())
    assert authentications == 1
    assert answers == [True] * 21 + [False]

    with signed_in_client(suite, owner) as client:  # the Owner switches it off in the REST API
        listed = {module["id"]: module for module in client.get("/v1/modules").json()["modules"]}
        assert (listed["dictation"]["entitled"], listed["dictation"]["enabled"]) == (True, True)
        assert listed["integrations"]["plans"] == ["Enterprise"]
        refused = client.put("/v1/modules/integrations", json={"enabled": True})
        assert (refused.status_code, refused.json()["reason"]) == (409, "ENTITLEMENT_REQUIRED"), refused.text
        switched = client.put("/v1/modules/dictation", json={"enabled": False})
        assert switched.status_code == 200 and not switched.json()["module"]["enabled"], switched.text
    wait_for(lambda: run_example(suite, service_key, owner.organization_id, me["id"], "dictation")[1]["reason"]
             == "MODULE_OFF", timeout=5)  # fmt: skip
