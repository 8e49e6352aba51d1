"""RFC 9457 problem documents. Every gRPC status becomes one here, and only here."""

from __future__ import annotations

from typing import Any

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from starlette.responses import JSONResponse

from gateway.request_id import HEADER as REQUEST_ID_HEADER
from gateway.request_id import current_request_id

PROBLEM_TYPE_BASE = "https://tenantry.dev/problems/"
ETAG_MISMATCH = "ETAG_MISMATCH"

_HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 503,
    grpc.StatusCode.UNIMPLEMENTED: 501,
}

# Reasons answered with another status than their gRPC code's: a key reused with another body is Stripe's 422.
# Reasons whose HTTP status is more precise than their gRPC code's: the If-Match the caller sent no longer
# matches (412); an Idempotency-Key reused with another request (422, as Stripe answers).
_REASON_STATUS = {ETAG_MISMATCH: 412, "IDEMPOTENCY_KEY_REUSED": 422}

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def problem(
    status: int,
    detail: str,
    *,
    reason: str = "",
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (reason.lower().replace("_", "-") if reason else str(status)),
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if reason:
        body["reason"] = reason
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    request_id = current_request_id.get()
    if request_id:
        body["request_id"] = request_id
        headers = {**(headers or {}), REQUEST_ID_HEADER: request_id}
    return ProblemResponse(body, status_code=status, headers=headers)


def from_grpc_error(error: grpc.aio.AioRpcError) -> ProblemResponse:
    status = _HTTP_STATUS.get(error.code(), 500)
    detail = error.details() or error.code().name
    reason, errors, headers = "", [], {}
    extra: dict[str, Any] = {}
    rich = rpc_status.from_call(error)
    for packed in rich.details if rich else []:
        info = error_details_pb2.ErrorInfo()
        bad_request = error_details_pb2.BadRequest()
        precondition = error_details_pb2.PreconditionFailure()
        retry = error_details_pb2.RetryInfo()
        if packed.Unpack(info):
            reason = info.reason
            if info.metadata:
                extra["metadata"] = dict(info.metadata)
        elif packed.Unpack(bad_request):
            errors += [{"field": v.field, "description": v.description} for v in bad_request.field_violations]
        elif packed.Unpack(precondition):
            errors += [
                {"field": v.subject, "description": v.description, "type": v.type} for v in precondition.violations
            ]
        elif packed.Unpack(retry):
            headers["Retry-After"] = str(max(retry.retry_delay.seconds, 1))
    status = _REASON_STATUS.get(reason, status)
    if status == 500:
        detail = "Internal error; it has been logged."
    if status == 503 and not reason:
        reason = "SERVICE_UNAVAILABLE"
    return problem(status, detail, reason=reason or error.code().name, errors=errors, headers=headers, extra=extra)
