"""The REST API's building blocks: a route table entry and what a handler receives."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from gateway.auth import Authenticator, Caller, request_metadata
from gateway.clients import ServiceClients
from gateway.settings import GatewaySettings

Reply = TypeVar("Reply")
Model = TypeVar("Model", bound=BaseModel)


class BadRequest(Exception):
    """A request the gateway refuses before calling a service (400 unless `status` says otherwise)."""

    def __init__(
        self,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        *,
        status: int = 400,
        reason: str = "INVALID_ARGUMENT",
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.status = status
        self.reason = reason


class IfMatch(Enum):
    """How a route treats If-Match: not at all, honoured when sent, or required (428 without it)."""

    IGNORED = "ignored"
    HONOURED = "honoured"
    REQUIRED = "required"


@dataclass
class Context:
    """What a handler gets: the request, its validated body and query, the caller and the service clients;
    what it may add to the response (headers, cookies)."""

    request: Request
    caller: Caller | None
    clients: ServiceClients
    settings: GatewaySettings
    authenticator: Authenticator
    body: BaseModel | None = None
    params: BaseModel | None = None
    idempotency_key: str = ""
    if_match: str = ""
    response_headers: dict[str, str] = field(default_factory=dict)
    response_hooks: list[Callable[[Response], None]] = field(default_factory=list)
    status_code: int | None = None

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

    def body_as(self, model: type[Model]) -> Model:
        assert isinstance(self.body, model), f"the route declares {type(self.body).__name__}, not {model.__name__}"
        return self.body

    def params_as(self, model: type[Model]) -> Model:
        assert isinstance(self.params, model), f"the route declares {type(self.params).__name__}, not {model.__name__}"
        return self.params

    def path(self, name: str) -> str:
        """A path parameter (the pipeline checked its length)."""
        return str(self.request.path_params[name])


Handler = Callable[[Context], Awaitable[BaseModel | Response | None]]


@dataclass(frozen=True)
class ApiRoute:
    """One REST operation. The models validate the request and describe it and the response in OpenAPI."""

    method: str
    path: str
    handler: Handler
    summary: str
    authenticated: bool = True
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    # Non-JSON success bodies (a PDF, a CSV file), by media type, which the handler answers as they are.
    response_media: tuple[str, ...] = ()
    success_status: int = 200
    query: type[BaseModel] | None = None
    if_match: IfMatch = IfMatch.IGNORED
    # The success response carries the resource's ETag.
    returns_etag: bool = False
    # The reply carries a secret shown once (a key, recovery codes, a session token): the service never stores it,
    # so it does not replay the call by Idempotency-Key (identity's `one_time_secrets`).
    shows_secret_once: bool = False


def equality_filter(pairs: dict[str, str | None]) -> str:
    return " AND ".join(f"{name} = {json.dumps(value)}" for name, value in pairs.items() if value)
