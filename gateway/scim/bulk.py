"""/Bulk (RFC 7644 §3.7): several Users and Groups operations in one request, each run through the same handler
as its own route. `bulkId` references ("bulkId:<id>" in a path or anywhere in data) are resolved whatever the
order: an operation waits until the operations it references have run; a reference to nothing, to a failed
operation or in a cycle fails that operation. `failOnErrors` stops after that many errors. The limits
advertised in /ServiceProviderConfig are enforced (413)."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from gateway.scim import resources
from gateway.scim.calls import ScimCall, ScimFailure, run
from gateway.scim.errors import ScimResponse, scim_error
from services.common.idempotency import IDEMPOTENCY_KEY_METADATA_KEY

MAX_OPERATIONS = resources.MAX_BULK_OPERATIONS
MAX_PAYLOAD = resources.MAX_BULK_PAYLOAD
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
_PATH = re.compile(r"^/(?P<resource>Users|Groups)(?:/(?P<id>[^/]+))?$")
_REFERENCE = re.compile(r"^bulkId:(?P<id>.+)$")

BulkHandlers = dict[tuple[str, str], Callable[[ScimCall], Awaitable[Response]]]


class _OperationCall(ScimCall):
    """One operation of a bulk request, seen by a route's handler as a request of its own."""

    def __init__(self, outer: ScimCall, document: dict[str, Any], resource_id: str, version: str):
        # One Idempotency-Key on the bulk request must not make its creations answer each other.
        metadata = tuple(m for m in outer.metadata if m[0] != IDEMPOTENCY_KEY_METADATA_KEY)
        super().__init__(outer.request, outer.clients, outer.organization_id, metadata)
        self._document = document
        self._resource_id = resource_id
        self._version = version

    async def body(self) -> dict[str, Any]:
        return self._document

    def user_id(self) -> str:
        return self._resource_id

    def group_id(self) -> str:
        return self._resource_id

    def expected_version(self) -> int:
        return resources.version_of(self._version)


def _path_reference(path: Any) -> str:
    """The bulkId a path's id names ("/Groups/bulkId:team"), or ""."""
    found = _PATH.match(str(path or ""))
    reference = _REFERENCE.match(found.group("id") or "") if found else None
    return reference.group("id") if reference else ""


def _references(value: Any) -> set[str]:
    """The bulkIds a path or data refers to."""
    if isinstance(value, str):
        found = _REFERENCE.match(value)
        return {found.group("id")} if found else set()
    if isinstance(value, dict):
        return set().union(*(_references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


def _resolved(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        found = _REFERENCE.match(value)
        return ids[found.group("id")] if found else value
    if isinstance(value, dict):
        return {k: _resolved(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, ids) for v in value]
    return value


async def _payload(call: ScimCall) -> dict[str, Any]:
    """The bulk request, refused (413) past maxPayloadSize without reading further."""
    declared = call.request.headers.get("content-length", "")
    too_large = ScimFailure(scim_error(413, f"A bulk request is at most {MAX_PAYLOAD} bytes (maxPayloadSize)."))
    if declared.isdigit() and int(declared) > MAX_PAYLOAD:
        raise too_large
    raw = b""
    async for chunk in call.request.stream():
        raw += chunk
        if len(raw) > MAX_PAYLOAD:
            raise too_large
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise ScimFailure(scim_error(400, "The body is not JSON.", "invalidSyntax")) from exc
    if not isinstance(document, dict):
        raise ScimFailure(scim_error(400, "The body must be a JSON object.", "invalidSyntax"))
    return document


def _failure(operation: dict[str, Any], status: int, detail: str, scim_type: str = "") -> dict[str, Any]:
    return _result(operation, status, response=json.loads(bytes(scim_error(status, detail, scim_type).body)))


def _result(operation: dict[str, Any], status: int, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"method": str(operation.get("method", "")).upper(), "status": str(status), **extra}
    if isinstance(operation.get("bulkId"), str):
        result["bulkId"] = operation["bulkId"]
    return result


async def _run_operation(
    call: ScimCall, handlers: BulkHandlers, operation: dict[str, Any], ids: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """The operation's result, and the id it created ("" for none)."""
    method = str(operation.get("method", "")).upper()
    path = _PATH.match(str(operation.get("path", "")))
    handler = handlers.get((method, path.group("resource"))) if path else None
    if path is None or handler is None or (method == "POST") != (path.group("id") is None):
        return _failure(
            operation, 400, "Each operation is POST /Users|/Groups or PUT, PATCH, DELETE /<type>/<id>.", "invalidPath"
        ), ""
    data = _resolved(operation.get("data") or {}, ids)
    if not isinstance(data, dict):
        return _failure(operation, 400, "An operation's data must be a JSON object.", "invalidSyntax"), ""
    version = str(operation.get("version", "") or "")
    resource_id = ids[reference] if (reference := _path_reference(operation.get("path"))) else path.group("id") or ""
    response = await run(handler, _OperationCall(call, data, resource_id, version))
    if response.status_code >= 400:
        return _result(operation, response.status_code, response=json.loads(bytes(response.body))), ""
    location = response.headers.get("location", "")
    extra = {"location": location} if location else {}
    if "etag" in response.headers:
        extra["version"] = response.headers["etag"]
    created = location.rsplit("/", 1)[-1] if method == "POST" else ""
    return _result(operation, response.status_code, **extra), created


async def bulk(call: ScimCall, handlers: BulkHandlers) -> Response:
    document = await _payload(call)
    operations = document.get("Operations")
    if not isinstance(operations, list) or not all(isinstance(o, dict) for o in operations):
        return scim_error(400, "A bulk request needs Operations.", "invalidSyntax")
    if len(operations) > MAX_OPERATIONS:
        return scim_error(413, f"A bulk request has at most {MAX_OPERATIONS} operations (maxOperations).")
    fail_on_errors = document.get("failOnErrors")
    limit = fail_on_errors if isinstance(fail_on_errors, int) and fail_on_errors > 0 else 0
    bulk_ids = {o["bulkId"] for o in operations if isinstance(o.get("bulkId"), str)}
    ids: dict[str, str] = {}
    results: dict[int, dict[str, Any]] = {}
    pending = list(enumerate(operations))
    errors = 0
    while pending and not (limit and errors >= limit):
        waiting = []
        for index, operation in pending:
            if limit and errors >= limit:
                break
            references = {_path_reference(operation.get("path"))} - {""} | _references(operation.get("data"))
            unknown = references - bulk_ids
            failed = {r for r in references & bulk_ids if r not in ids and _ran(r, operations, results)}
            if unknown or failed:
                which = sorted(unknown or failed)[0]
                results[index] = _failure(
                    operation, 409, f"bulkId {which!r} names no successful operation.", "invalidValue"
                )
            elif references - ids.keys():
                waiting.append((index, operation))
                continue
            else:
                results[index], created = await _run_operation(call, handlers, operation, ids)
                if created and isinstance(operation.get("bulkId"), str):
                    ids[operation["bulkId"]] = created
            errors += int(results[index]["status"]) >= 400
        if len(waiting) == len(pending):
            for index, operation in waiting:
                results[index] = _failure(
                    operation, 409, "The operation's bulkId references form a cycle.", "invalidValue"
                )
                errors += 1
            break
        pending = waiting
    return ScimResponse({"schemas": [BULK_RESPONSE], "Operations": [results[i] for i in sorted(results)]})


def _ran(bulk_id: str, operations: list[dict[str, Any]], results: dict[int, dict[str, Any]]) -> bool:
    """Whether the operation with this bulkId has run (and so, not being in the resolved ids, failed)."""
    return any(o.get("bulkId") == bulk_id and i in results for i, o in enumerate(operations))
