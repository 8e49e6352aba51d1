"""The OpenAPI document: valid, and every operation declares its real request and response schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from gateway.openapi import openapi_document
from gateway.routes import ROUTES
from gateway.routing import IfMatch
from gateway.settings import GatewaySettings

BARE_OBJECT = {"type": "object"}


@pytest.fixture
def document(tmp_path: Path) -> dict[str, Any]:
    return openapi_document(GatewaySettings(data_dir=tmp_path))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref", "")
    return document["components"]["schemas"][reference.rsplit("/", 1)[1]] if reference else schema


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)


def test_every_operation_has_a_request_schema_when_it_has_a_body_and_a_real_response_schema(
    document: dict[str, Any],
) -> None:
    assert len(operations(document)) == len(ROUTES)
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        if route.body is not None:
            schema = resolved(document, operation["requestBody"]["content"]["application/json"]["schema"])
            assert schema["properties"] and schema["additionalProperties"] is False, route.path
        success = operation["responses"][str(route.success_status)]
        if route.success_status == 204:
            assert "content" not in success, route.path
            continue
        for media, content in success["content"].items():
            schema = resolved(document, content["schema"])
            assert (schema != BARE_OBJECT and schema.get("properties")) or media != "application/json", route.path
            assert schema.get("type") == "object" or schema.get("contentMediaType") == media, (route.path, media)


def test_the_invoice_pdf_and_the_member_export_declare_their_media_types(document: dict[str, Any]) -> None:
    pdf = document["paths"]["/v1/billing/invoices/{invoice_id}/pdf"]["get"]["responses"]["200"]["content"]
    assert list(pdf) == ["application/pdf"]
    export = document["paths"]["/v1/members/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"text/csv", "application/json"}


def test_query_parameters_are_declared_with_their_types_and_limits(document: dict[str, Any]) -> None:
    parameters = {p["name"]: p for p in document["paths"]["/v1/members"]["get"]["parameters"]}
    page_size = parameters["page_size"]["schema"]
    assert (page_size["type"], page_size["minimum"], page_size["maximum"]) == ("integer", 1, 200)
    assert parameters["status"]["schema"]["enum"] == ["invited", "active", "deactivated", "removed"]
    assert parameters["order_by"]["schema"]["enum"] == ["create_time desc", "name", "email"]


def test_limits_are_declared_once_and_appear_in_the_schemas(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    invitee = schemas["Invitee"]["properties"]
    assert invitee["email"]["maxLength"] == 320
    assert invitee["group_ids"]["maxItems"] == 100
    assert invitee["group_ids"]["items"]["maxLength"] == 64
    policy = schemas["SecurityPolicyChanges"]["properties"]["session_idle_timeout_seconds"]["anyOf"][0]
    assert (policy["minimum"], policy["maximum"]) == (300, 86_400)


def test_headers_are_declared_where_they_are_honoured(document: dict[str, Any]) -> None:
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert ("Idempotency-Key" in headers) == (route.method != "GET"), route.path
        if route.if_match is IfMatch.IGNORED:
            assert "If-Match" not in headers, route.path
        else:
            assert headers["If-Match"]["required"] == (route.if_match is IfMatch.REQUIRED), route.path
        if route.authenticated and route.method != "GET":
            assert {"session": [], "csrf": []} in operation["security"], route.path
        if route.returns_etag:
            assert "ETag" in operation["responses"][str(route.success_status)]["headers"], route.path
    required = [f"{r.method} {r.path}" for r in ROUTES if r.if_match is IfMatch.REQUIRED]
    assert required == ["PATCH /v1/groups/{group_id}", "PATCH /v1/members/{member_id}"]
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for operation_name in required:
        assert operation_name in document["info"]["description"] and f"`{operation_name}`" in readme


def test_a_route_whose_reply_shows_a_secret_once_does_not_promise_a_replay_by_key(document: dict[str, Any]) -> None:
    shown_once = {f"{r.method} {r.path}" for r in ROUTES if r.shows_secret_once}
    assert shown_once == {
        "POST /v1/me/mfa/totp",
        "POST /v1/me/mfa/totp/confirm",
        "POST /v1/api-keys",
        "POST /v1/service-accounts",
        "POST /v1/sessions/current/reauthenticate",
        "POST /v1/audit/log-streams",
        "POST /v1/audit/log-streams/{log_stream_id}/rotate-secret",
        "POST /v1/scim-tokens",
        "POST /v1/scim-tokens/{token_id}/rotate",
    }
    for route in ROUTES:
        if route.method == "GET":
            continue
        operation = document["paths"][route.path][route.method.lower()]
        [key] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        promises_replay = "applied once" in key["description"]
        assert promises_replay == (route.authenticated and not route.shows_secret_once), route.path
