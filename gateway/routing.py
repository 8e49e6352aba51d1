"""The REST API's building blocks: a route table entry, what a handler receives, and request parsing."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from gateway.auth import Authenticator, Caller, request_metadata
from gateway.clients import ServiceClients
from gateway.settings import GatewaySettings

MAX_IDEMPOTENCY_KEY = 255

Reply = TypeVar("Reply")


class BadRequest(Exception):
    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


@dataclass
class Context:
    """What a handler gets: the request, its body, the caller and the service clients."""

    request: Request
    body: dict[str, Any]
    caller: Caller | None
    clients: ServiceClients
    settings: GatewaySettings
    authenticator: Authenticator

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return request_metadata(self.request, self.caller)

    @property
    def organization_id(self) -> str:
        assert self.caller is not None
        return self.caller.organization_id

    async def call(self, method: Callable[..., Awaitable[Reply]], request: Any, *, timeout_factor: float = 1) -> Reply:
        """One RPC on behalf of this request: its caller, request id and deadline travel with it."""
        return await method(request, metadata=self.metadata, timeout=self.clients.timeout * timeout_factor)

    def query(self, name: str) -> str:
        return self.request.query_params.get(name, "")

    def idempotency_key(self) -> str:
        key = self.request.headers.get("idempotency-key", "")
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise BadRequest("Idempotency-Key is too long.", [{"field": "Idempotency-Key", "description": "<= 255"}])
        return key


Handler = Callable[[Context], Awaitable[Response]]


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    handler: Handler
    summary: str
    authenticated: bool = True
    request_schema: dict[str, Any] | None = None
    response_schema: dict[str, Any] = field(default_factory=lambda: {"type": "object"})
    success_status: int = 200
    query: tuple[tuple[str, str], ...] = ()


PAGE_QUERY = (("page_size", "integer"), ("page_token", "string"))


def path_id(context: Context, name: str) -> str:
    """An id from the path, refused when empty or too long to be one."""
    value = str(context.request.path_params.get(name, ""))
    if not value or len(value) > 64:
        raise BadRequest(f"{name} is invalid.", [{"field": name, "description": "an id"}])
    return value


def equality_filter(pairs: dict[str, str]) -> str:
    return " AND ".join(f"{name} = {json.dumps(value)}" for name, value in pairs.items() if value)


def page_size_of(context: Context) -> int:
    raw = context.query("page_size") or "0"
    if not raw.isdigit():
        raise BadRequest("page_size must be a whole number.", [{"field": "page_size", "description": "0 to 200"}])
    return int(raw)


STRING: dict[str, Any] = {"type": "string"}


def body_schema(*required: str, **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "additionalProperties": False, "properties": properties}
