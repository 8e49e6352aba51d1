"""Benchmark of SAML single sign-on: the ACS handling rate (strict rules, xmlsec1 signature verification, replay
cache, link lookup, session insert on SQLite) against the raw signature-verify rate of the same library
(pysaml2's xmlsec1 backend) on the same responses, measured in the same run.

    .venv/bin/python -m bench.sso [--responses N]

Responses are issued beforehand by a real pysaml2 IdP (IdP-initiated, each with its own ids), so both loops see
identical documents; the ratio is what everything around the signature check costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from services.common.keys import generate_principal_key_pair
from services.identity.tests.harness import anonymous
from services.identity.tests.sso_harness import sso_on


async def run(responses: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        async with sso_on(url, generate_principal_key_pair()) as sso:
            from services.common.principal import system_principal

            account = await sso.identity.use_cases.accounts.create_account(
                system_principal(), email="ann@acme.test", password="correct horse battery staple"
            )
            await sso.identity.member_joined(account.id, "org-1", permissions=["members.read"], role="member")
            await sso.verified_domain()
            connection, idp = await sso.connection_with_idp()
            connection = await sso.use_cases.connections.update(
                sso.owner, connection.id, {"idp_initiated_enabled": True}
            )
            documents = [sso.response(idp, connection, None) for _ in range(responses)]
            certificates = [c.certificate_pem for c in connection.certificates]
            toolkit = sso.use_cases.saml._saml  # the same pysaml2/xmlsec1 toolkit the ACS uses

            from services.identity.domain.sso import saml_rules

            started = time.perf_counter()
            for document in documents:
                raw = saml_rules.decode_response(document)
                assertion_id = saml_rules.parse(raw).find(f"{{{saml_rules.SAML}}}Assertion").get("ID")
                assert toolkit.verify_signature(raw, assertion_id, f"{saml_rules.SAML}:Assertion", certificates)
            raw_elapsed = time.perf_counter() - started

            started = time.perf_counter()
            for document in documents:
                await sso.use_cases.saml.complete(connection.id, document, "", anonymous())
            acs_elapsed = time.perf_counter() - started
    raw_rate, acs_rate = responses / raw_elapsed, responses / acs_elapsed
    return {
        "responses": responses,
        "raw_verify_per_s": round(raw_rate, 2),
        "acs_per_s": round(acs_rate, 2),
        "acs_vs_raw_ratio": round(acs_rate / raw_rate, 3),
        "note": "xmlsec1 runs as a process per verification (pysaml2's backend), so both rates are bounded by it",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=40)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.responses)), indent=2))


if __name__ == "__main__":
    main()
