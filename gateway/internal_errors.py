"""An unexpected error becomes a 500 problem document here and goes no further. Starlette's own outermost error
handler answers alike but then re-raises to the server, which drops the keep-alive connection, so the client's
next request on it fails too."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import problem

logger = logging.getLogger("gateway")


class InternalErrorMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("Unexpected error answering %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for an answer of our own: the server closes the connection
                raise
            await problem(500, "Internal error; it has been logged.")(scope, receive, send)
