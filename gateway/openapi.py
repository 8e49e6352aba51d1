"""The OpenAPI document of the REST API, generated from the route table."""

from __future__ import annotations

from typing import Any

from gateway.routes import ROUTES
from gateway.settings import GatewaySettings

PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "reason": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def openapi_document(settings: GatewaySettings) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for route in ROUTES:
        operation: dict[str, Any] = {
            "summary": route.summary,
            "operationId": route.handler.__name__,
            "responses": {
                str(route.success_status): {
                    "description": "Success",
                    "content": {"application/json": {"schema": route.response_schema}},
                }
                if route.success_status != 204
                else {"description": "Done"},
                "default": {
                    "description": "A problem",
                    "content": {"application/problem+json": {"schema": problem_ref}},
                },
            },
        }
        if route.authenticated:
            operation["security"] = [{"session": []}, {"apiKey": []}]
        else:
            operation["security"] = []
        if route.request_schema:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": route.request_schema}},
            }
        path_parameters = [part[1:-1] for part in route.path.split("/") if part.startswith("{")]
        if path_parameters:
            operation["parameters"] = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in path_parameters
            ]
        if route.query:
            operation.setdefault("parameters", []).extend(
                {"name": name, "in": "query", "required": False, "schema": {"type": kind}} for name, kind in route.query
            )
        if route.method != "GET":
            operation.setdefault("parameters", []).append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 255},
                }
            )
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tenantry API", "version": "1.0.0", "description": "Programmatic team management."},
        "servers": [{"url": settings.public_url}],
        "paths": paths,
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": settings.cookie_name},
                "apiKey": {"type": "http", "scheme": "bearer"},
            },
        },
    }
