"""Baselines measured beside the real flow: HTTP -> gRPC -> JSON with no work (echo), and with one database
write. Same frameworks as the suite (Starlette + uvicorn, grpc.aio, SQLAlchemy Core on SQLite WAL)."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import grpc
import uvicorn
from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.common.db import Database
from services.common.ids import new_id

metadata = MetaData()
rows = Table("rows", metadata, Column("id", String(36), primary_key=True), Column("n", Integer))


def _identity(payload: bytes) -> bytes:
    return payload


async def serve_grpc(port: int, database_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{database_path}")
    async with db.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)

    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return request

    async def write(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        async with db.write() as connection:
            await connection.execute(insert(rows).values(id=new_id(), n=len(request)))
        return request

    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "bench.Baseline",
                {
                    "Echo": grpc.unary_unary_rpc_method_handler(echo, _identity, _identity),
                    "Write": grpc.unary_unary_rpc_method_handler(write, _identity, _identity),
                },
            )
        ]
    )
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


def http_app(grpc_port: int) -> Starlette:
    channel: grpc.aio.Channel | None = None

    def call(method: str) -> grpc.aio.UnaryUnaryMultiCallable:
        nonlocal channel
        if channel is None:
            channel = grpc.aio.insecure_channel(f"127.0.0.1:{grpc_port}")
        return channel.unary_unary(f"/bench.Baseline/{method}", _identity, _identity)

    async def echo(request: Request) -> JSONResponse:
        body = await request.body()
        reply = await call("Echo")(body, timeout=5)
        return JSONResponse({"echo": json.loads(reply or b"{}")})

    async def write(request: Request) -> JSONResponse:
        body = await request.body()
        reply = await call("Write")(body, timeout=5)
        return JSONResponse({"written": json.loads(reply or b"{}")})

    return Starlette(routes=[Route("/echo", echo, methods=["POST"]), Route("/write", write, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["grpc", "http"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--grpc-port", type=int, default=0)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    if args.role == "grpc":
        asyncio.run(serve_grpc(args.port, Path(args.database)))
    else:
        uvicorn.run(http_app(args.grpc_port), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
