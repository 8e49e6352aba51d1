"""The request id: read from X-Request-Id (or made), carried to services and into problem documents, and
echoed on every response. It correlates logs; it is never an idempotency key."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-Id"
# Printable ASCII without spaces, short enough for logs and gRPC metadata.
_ACCEPTABLE = re.compile(r"^[!-~]{1,128}$")

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


def request_id_of(raw: str) -> str:
    """The caller's id when it is a sensible one, else a new one."""
    return raw if _ACCEPTABLE.match(raw) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
        request_id = request_id_of(raw)
        scope.setdefault("state", {})["request_id"] = request_id
        current_request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if HEADER.lower() not in headers:
                    headers[HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
