"""SCIM error bodies (RFC 7644 §3.12): every gRPC status of a SCIM call becomes one here."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from starlette.responses import JSONResponse

from services.common.grpc_server import error_reason

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_MEDIA_TYPE = "application/scim+json"

_STATUS = {
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
}
# Reasons of our services and the scimType (and status) SCIM clients expect for them.
_SCIM_TYPES = {
    "USER_NAME_TAKEN": (409, "uniqueness"),
    "ALREADY_MEMBER": (409, "uniqueness"),
    "EXTERNAL_ID_IN_USE": (409, "uniqueness"),
    "GROUP_NAME_TAKEN": (409, "uniqueness"),
    "INVALID_FILTER": (400, "invalidFilter"),
    "ETAG_MISMATCH": (412, ""),
    "NO_SEATS_AVAILABLE": (409, ""),
    "invalidPath": (400, "invalidPath"),
    "invalidValue": (400, "invalidValue"),
    "invalidSyntax": (400, "invalidSyntax"),
    "noTarget": (400, "noTarget"),
    "mutability": (400, "mutability"),
    "invalidFilter": (400, "invalidFilter"),
    "INVALID_VALUE": (400, "invalidValue"),
}


class ScimResponse(JSONResponse):
    media_type = SCIM_MEDIA_TYPE


def scim_error(status: int, detail: str, scim_type: str = "", retry_after: int = 0) -> ScimResponse:
    body: dict[str, object] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else {}
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return ScimResponse(body, status_code=status, headers=headers or None)


def _retry_after(error: grpc.aio.AioRpcError) -> int:
    """Seconds of the RetryInfo a service put on its answer (the safety hold's wait, a rate limit), or 0."""
    rich = rpc_status.from_call(error)
    for packed in rich.details if rich else []:
        retry = error_details_pb2.RetryInfo()
        if packed.Unpack(retry):
            return max(retry.retry_delay.seconds, 1)
    return 0


def from_grpc_error(error: grpc.aio.AioRpcError) -> ScimResponse:
    reason = error_reason(error)
    status, scim_type = _SCIM_TYPES.get(reason, (_STATUS.get(error.code(), 500), ""))
    if error.code() == grpc.StatusCode.INVALID_ARGUMENT and not scim_type:
        scim_type = "invalidValue"
    detail = error.details() or error.code().name
    if status >= 500 and error.code() not in _STATUS:
        detail = "Internal error; it has been logged."
    return scim_error(status, detail, scim_type, _retry_after(error) if status in (429, 503) else 0)
