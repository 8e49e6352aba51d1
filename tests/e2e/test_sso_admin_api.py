"""SSO administration over REST through real processes: an Owner connects a SAML IdP by its metadata XML and an
OIDC provider by issuer and client, reads our SP metadata, rolls IdP certificates over, verifies a domain against
a real DNS server, enables the connection and requires SSO; stale versions and bad bodies are refused naming
what is wrong, and refused metadata leaves no connection behind."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from services.identity.tests.dns_server import dns_server
from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, start_suite
from tests.peers.saml_idp import KeyPair, SamlIdp


def idp_metadata(name: str) -> tuple[str, KeyPair]:
    keys = KeyPair.generate(name)
    idp = SamlIdp(f"https://{name}.example/idp", f"https://{name}.example/sso", keys)
    return idp.metadata(), keys


def fields_of(response: httpx.Response) -> set[str]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {error["field"] for error in response.json().get("errors", [])}


def connections(client: httpx.Client) -> list[dict[str, object]]:
    listed: list[dict[str, object]] = client.get("/v1/sso/connections").json()["connections"]
    return listed


def test_an_owner_connects_a_saml_idp_verifies_a_domain_and_requires_sso_over_rest(
    tmp_path: Path, smtp_inbox: SmtpInbox
) -> None:
    with dns_server() as (zone, dns_port):
        suite: Suite = start_suite(
            tmp_path / "data",
            smtp_inbox.port,
            {"TENANTRY_IDENTITY_DNS_NAMESERVERS": json.dumps([f"127.0.0.1:{dns_port}"])},
        )
        try:
            owner = create_owner(suite)
            with signed_in_client(suite, owner) as client:
                metadata_xml, _ = idp_metadata("acme-idp")
                created = client.post(
                    "/v1/sso/connections",
                    json={"name": "Acme IdP", "protocol": "saml", "saml": {"metadata_xml": metadata_xml}},
                )
                assert created.status_code == 201, created.text
                connection = created.json()["connection"]
                assert connection["enabled"] is False
                assert connection["saml"]["idp_entity_id"] == "https://acme-idp.example/idp"
                assert len(connection["idp_certificates"]) == 1
                assert created.headers["ETag"] == connection["etag"].removeprefix("W/")
                path = f"/v1/sso/connections/{connection['id']}"

                sp_metadata = client.get(f"{path}/sp-metadata")
                assert sp_metadata.status_code == 200
                assert sp_metadata.headers["content-type"].startswith("application/samlmetadata+xml")
                assert connection["saml"]["acs_url"] in sp_metadata.text

                _, next_keys = idp_metadata("acme-idp-next")
                rolled = client.post(f"{path}/certificates", json={"certificate_pem": next_keys.certificate_pem})
                assert rolled.status_code == 201, rolled.text
                old_certificate = connection["idp_certificates"][0]["id"]  # type: ignore[index]
                assert len(rolled.json()["connection"]["idp_certificates"]) == 2
                removed = client.delete(f"{path}/certificates/{old_certificate}")
                assert removed.status_code == 200, removed.text
                assert [c["id"] for c in removed.json()["connection"]["idp_certificates"]] != [old_certificate]

                claimed = client.post("/v1/sso/domains", json={"domain": "acme.test"})
                assert claimed.status_code == 201, claimed.text
                domain = claimed.json()["domain"]
                assert domain["state"] == "pending" and domain["txt_record_value"]
                assert client.get("/v1/sso/domains/acme.test").json()["domain"] == domain
                assert client.post("/v1/sso/domains/acme.test/verify").json()["domain"]["state"] == "pending"
                zone.records[domain["txt_record_name"]] = [domain["txt_record_value"]]
                assert client.post("/v1/sso/domains/acme.test/verify").json()["domain"]["state"] == "verified"

                read = client.get(path)
                stale = {"If-Match": read.headers["ETag"]}
                renamed = client.patch(path, json={"name": "Acme Entra"}, headers=stale)
                assert renamed.status_code == 200, renamed.text
                assert client.patch(path, json={"enabled": True}, headers=stale).status_code == 412
                enabled = client.patch(path, json={"enabled": True}, headers={"If-Match": renamed.headers["ETag"]})
                assert enabled.status_code == 200, enabled.text
                assert enabled.json()["connection"]["enabled"] is True

                policy = client.get("/v1/sso/policy")
                assert policy.json()["policy"]["sso_required"] is False
                account_id = client.get("/v1/me").json()["principal"]["account_id"]
                required = client.patch(
                    "/v1/sso/policy",
                    json={"sso_required": True, "break_glass_account_ids": [account_id]},
                    headers={"If-Match": policy.headers["ETag"]},
                )
                assert required.status_code == 200, required.text
                assert required.json()["policy"] == {
                    "sso_required": True,
                    "break_glass_account_ids": [account_id],
                    "etag": required.json()["policy"]["etag"],
                }
                again = client.patch(
                    "/v1/sso/policy", json={"sso_required": False}, headers={"If-Match": policy.headers["ETag"]}
                )
                assert again.status_code == 412

                assert client.delete(path).status_code == 204
                assert client.get(path).status_code == 404
                assert client.delete("/v1/sso/domains/acme.test").status_code == 204
                assert client.get("/v1/sso/domains").json()["domains"] == []
        finally:
            suite.stop()


def test_an_oidc_connection_keeps_its_client_secret_write_only_and_bad_bodies_name_the_field(
    suite: Suite, smtp_inbox: SmtpInbox
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        created = client.post(
            "/v1/sso/connections",
            json={
                "name": "Acme OIDC",
                "protocol": "oidc",
                "oidc": {"issuer": "https://login.acme.example", "client_id": "tenantry", "client_secret": "s3cret"},
            },
        )
        assert created.status_code == 201, created.text
        oidc = created.json()["connection"]["oidc"]
        assert oidc["issuer"] == "https://login.acme.example" and oidc["client_id"] == "tenantry"
        assert "client_secret" not in oidc and "s3cret" not in created.text
        assert oidc["redirect_uri"].startswith("http")
        assert created.json()["connection"]["saml"] is None

        path = f"/v1/sso/connections/{created.json()['connection']['id']}"
        rotated = client.patch(path, json={"oidc": {"client_secret": "n3w"}})
        assert rotated.status_code == 200 and "n3w" not in rotated.text
        assert client.patch(path, json={}).status_code == 422
        assert "oidc.allowed_algorithms" in fields_of(
            client.patch(path, json={"oidc": {"allowed_algorithms": "RS256"}})
        )

        mixed = client.post("/v1/sso/connections", json={"name": "Mixed", "protocol": "oidc", "saml": {}})
        assert mixed.status_code == 422 and "saml" in fields_of(mixed)
        assert "protocol" in fields_of(client.post("/v1/sso/connections", json={"name": "X", "protocol": "cas"}))
        both = client.post(
            "/v1/sso/connections/none/metadata", json={"metadata_xml": "<x/>", "metadata_url": "https://a.example"}
        )
        assert both.status_code == 422

        before = connections(client)
        refused = client.post(
            "/v1/sso/connections",
            json={"name": "Broken", "protocol": "saml", "saml": {"metadata_xml": "<not-metadata/>"}},
        )
        assert refused.status_code in (400, 422), refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert connections(client) == before

        unclaimed = client.get("/v1/sso/domains/nobody.test")
        assert unclaimed.status_code == 404
        assert client.post("/v1/sso/domains", json={"domain": ""}).status_code == 422
