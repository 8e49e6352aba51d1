"""The OpenAPI document of the REST API, generated from the route table: the schemas are the routes' own
pydantic models, so the document describes exactly what is validated and answered."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from gateway.routes import ROUTES
from gateway.routing import ApiRoute, IfMatch
from gateway.settings import GatewaySettings

REF_TEMPLATE = "#/components/schemas/{model}"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "reason": {"type": "string", "description": "a stable code, e.g. ETAG_MISMATCH"},
        "request_id": {"type": "string", "description": "the X-Request-Id of the request"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "description"],
                "properties": {"field": {"type": "string"}, "description": {"type": "string"}},
            },
        },
    },
}

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_REQUEST_ID_HEADER = {
    "description": "The request's correlation id (the one sent, or a new one); never an idempotency key.",
    "schema": {"type": "string"},
}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
}
_RETRIES_APPLIED_ONCE = "Retries with the same key are applied once and answered like the first."
_RETRIES_SHOW_A_NEW_SECRET = (
    "Checked (at most 255 characters) but not recorded: the reply carries a secret shown once, which is never "
    "stored, so a retry runs again and shows a new one."
)
_RETRIES_NOT_RECORDED = (
    "Checked (at most 255 characters) but not recorded: this operation is not deduplicated by key; repeating it "
    "sets the same state again, or (sign-in, authenticator enrollment, emails) does it again."
)
_REQUEST_ID = {
    "name": "X-Request-Id",
    "in": "header",
    "required": False,
    "description": "A correlation id for logs and the audit log (printable ASCII, at most 128); one is made when "
    "absent. It is never an idempotency key.",
    "schema": {"type": "string", "maxLength": 128},
}


def _model_schemas() -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """References to every body, response and query model, and their definitions for components/schemas."""
    models: set[tuple[type[BaseModel], JsonSchemaMode]] = set()
    for route in ROUTES:
        if route.body is not None:
            models.add((route.body, "validation"))
        if route.query is not None:
            models.add((route.query, "validation"))
        if route.response is not None:
            models.add((route.response, "serialization"))
    ordered = sorted(models, key=lambda pair: (pair[0].__name__, pair[1]))
    references, definitions = models_json_schema(ordered, ref_template=REF_TEMPLATE)
    return references, definitions.get("$defs", {})


def _query_parameters(route: ApiRoute, definitions: dict[str, Any]) -> list[dict[str, Any]]:
    assert route.query is not None
    schema = definitions[route.query.__name__]
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        options = [option for option in prop.get("anyOf", []) if option.get("type") != "null"]
        value = {k: v for k, v in prop.items() if k not in ("anyOf", "default", "title", "description")}
        value.update(options[0] if len(options) == 1 else {})
        if "default" in prop and prop["default"] is not None:
            value["default"] = prop["default"]
        parameter = {"name": name, "in": "query", "required": name in required, "schema": value}
        if "description" in prop:
            parameter["description"] = prop["description"]
        parameters.append(parameter)
    return parameters


def _parameters(route: ApiRoute, definitions: dict[str, Any]) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "name": part[1:-1],
            "in": "path",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": 64},
        }
        for part in route.path.split("/")
        if part.startswith("{")
    ]
    if route.query is not None:
        parameters += _query_parameters(route, definitions)
    if route.if_match is not IfMatch.IGNORED:
        parameters.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": route.if_match is IfMatch.REQUIRED,
                "description": "The etag as read (the ETag header or the body's etag field), or * for any version: "
                "a stale one is refused with 412"
                + (", and a request without it with 428." if route.if_match is IfMatch.REQUIRED else "."),
                "schema": {"type": "string", "maxLength": 70},
            }
        )
    if route.method != "GET":
        # Every service applies an authenticated change once per key (services/common/idempotency.py).
        if route.shows_secret_once:
            described = _RETRIES_SHOW_A_NEW_SECRET
        else:
            described = _RETRIES_APPLIED_ONCE if route.authenticated else _RETRIES_NOT_RECORDED
        parameters.append({**_IDEMPOTENCY_KEY, "description": described})
    parameters.append(_REQUEST_ID)
    return parameters


def _success(route: ApiRoute, references: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    headers: dict[str, Any] = {"X-Request-Id": _REQUEST_ID_HEADER}
    if route.returns_etag:
        headers["ETag"] = {
            "description": "The resource's strong entity tag, for If-Match.",
            "schema": {"type": "string"},
        }
    elif route.method == "GET":
        headers["ETag"] = {
            "description": "The representation's strong entity tag (a digest of the body): it changes when what "
            "was read changes.",
            "schema": {"type": "string"},
        }
    success: dict[str, Any] = {"description": "Success", "headers": headers}
    content: dict[str, Any] = {
        media: {"schema": {"type": "string", "contentMediaType": media}} for media in route.response_media
    }
    if route.response is not None:
        content["application/json"] = {"schema": references[(route.response, "serialization")]}
    if content:
        success["content"] = content
    else:
        success["description"] = "Done"
    return success


def _operation(route: ApiRoute, references: dict[Any, dict[str, Any]], definitions: dict[str, Any]) -> dict[str, Any]:
    problem = {
        "content": {"application/problem+json": {"schema": _PROBLEM_REF}},
        "headers": {"X-Request-Id": _REQUEST_ID_HEADER},
    }
    responses: dict[str, Any] = {str(route.success_status): _success(route, references)}
    if route.body is not None or route.query is not None:
        responses["422"] = {"description": "A field is missing, mistyped, out of range or unknown", **problem}
    if route.if_match is not IfMatch.IGNORED:
        responses["412"] = {"description": "If-Match names a version that is no longer current", **problem}
    if route.if_match is IfMatch.REQUIRED:
        responses["428"] = {"description": "If-Match is required", **problem}
    responses["default"] = {"description": "A problem", **problem}
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": route.handler.__name__,
        "tags": [area_of(route)],
        "parameters": _parameters(route, definitions),
        "responses": responses,
    }
    if route.authenticated:
        # A cookie session must echo its CSRF token on changes; an API key needs none.
        session = ["csrf"] if route.method != "GET" else []
        operation["security"] = [{"session": [], **({"csrf": []} if session else {})}, {"apiKey": []}]
    else:
        operation["security"] = []
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": references[(route.body, "validation")]}},
        }
    return operation


def area_of(route: ApiRoute) -> str:
    """The area a route belongs to: its module under gateway/routes (one tag each in the document, one module each
    in the generated client)."""
    return route.handler.__module__.rsplit(".", 1)[-1]


def openapi_document(settings: GatewaySettings) -> dict[str, Any]:
    references, definitions = _model_schemas()
    paths: dict[str, Any] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, references, definitions)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tenantry API",
            "version": "1.0.0",
            "description": "Programmatic team management. Every response carries X-Request-Id; problems are RFC "
            "9457 documents with the request_id. If-Match is required on: "
            + ", ".join(f"{r.method} {r.path}" for r in ROUTES if r.if_match is IfMatch.REQUIRED)
            + ".",
        },
        "servers": [{"url": settings.public_url}],
        "paths": paths,
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA, **definitions},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": settings.cookie_name},
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRF-Token",
                    "description": "With a session cookie, changes echo the session's CSRF token (the csrf_token of "
                    f"the sign-in answer, or the {settings.csrf_cookie_name} cookie).",
                },
                "apiKey": {"type": "http", "scheme": "bearer"},
            },
        },
    }
