"""LogStreamService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.audit.v1 import log_stream_service_pb2 as pb
from tenantry.audit.v1 import log_stream_service_pb2_grpc as pb_grpc

from services.audit.domain.log_stream_cases import LogStreamUseCases
from services.audit.domain.log_streams import StreamView
from services.common.messaging import timestamp
from services.common.principal import current_call


def log_stream_message(view: StreamView) -> pb.LogStream:
    stream = view.stream
    message = pb.LogStream(
        id=stream.id,
        organization_id=stream.organization_id,
        name=stream.name,
        url=stream.url,
        status=stream.status,
        cursor=stream.cursor,
        lag=view.lag,
        attempts=stream.attempts,
        last_error=stream.last_error,
        create_time=timestamp(stream.created_at),
        update_time=timestamp(stream.updated_at),
        format=stream.format,
    )
    if stream.previous_expires_at is not None:
        message.previous_secret_expire_time.CopyFrom(timestamp(stream.previous_expires_at))
    if stream.failing_since is not None:
        message.failing_since.CopyFrom(timestamp(stream.failing_since))
    if stream.next_attempt_at is not None:
        message.next_attempt_time.CopyFrom(timestamp(stream.next_attempt_at))
    if stream.last_delivered_at is not None:
        message.last_delivery_time.CopyFrom(timestamp(stream.last_delivered_at))
    return message


class LogStreamServicer(pb_grpc.LogStreamServiceServicer):
    def __init__(self, streams: LogStreamUseCases):
        self._streams = streams

    async def CreateLogStream(
        self, request: pb.CreateLogStreamRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateLogStreamResponse:
        principal = current_call().require_principal()
        view, secret = await self._streams.create(
            principal,
            request.organization_id,
            request.name,
            request.url,
            request.format,
            request.destination_token,
        )
        return pb.CreateLogStreamResponse(log_stream=log_stream_message(view), signing_secret=secret)

    async def ListLogStreams(
        self, request: pb.ListLogStreamsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListLogStreamsResponse:
        views = await self._streams.list(current_call().require_principal(), request.organization_id)
        return pb.ListLogStreamsResponse(log_streams=[log_stream_message(view) for view in views])

    async def GetLogStream(
        self, request: pb.GetLogStreamRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetLogStreamResponse:
        principal = current_call().require_principal()
        view = await self._streams.get(principal, request.organization_id, request.log_stream_id)
        return pb.GetLogStreamResponse(log_stream=log_stream_message(view))

    async def UpdateLogStream(
        self, request: pb.UpdateLogStreamRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateLogStreamResponse:
        principal = current_call().require_principal()
        name = request.name if request.HasField("name") else None
        url = request.url if request.HasField("url") else None
        token = request.destination_token if request.HasField("destination_token") else None
        view = await self._streams.update(principal, request.organization_id, request.log_stream_id, name, url, token)
        return pb.UpdateLogStreamResponse(log_stream=log_stream_message(view))

    async def PauseLogStream(
        self, request: pb.PauseLogStreamRequest, context: grpc.aio.ServicerContext
    ) -> pb.PauseLogStreamResponse:
        principal = current_call().require_principal()
        view = await self._streams.pause(principal, request.organization_id, request.log_stream_id)
        return pb.PauseLogStreamResponse(log_stream=log_stream_message(view))

    async def ResumeLogStream(
        self, request: pb.ResumeLogStreamRequest, context: grpc.aio.ServicerContext
    ) -> pb.ResumeLogStreamResponse:
        principal = current_call().require_principal()
        view = await self._streams.resume(principal, request.organization_id, request.log_stream_id)
        return pb.ResumeLogStreamResponse(log_stream=log_stream_message(view))

    async def DeleteLogStream(
        self, request: pb.DeleteLogStreamRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteLogStreamResponse:
        principal = current_call().require_principal()
        await self._streams.delete(principal, request.organization_id, request.log_stream_id)
        return pb.DeleteLogStreamResponse()

    async def RotateLogStreamSecret(
        self, request: pb.RotateLogStreamSecretRequest, context: grpc.aio.ServicerContext
    ) -> pb.RotateLogStreamSecretResponse:
        principal = current_call().require_principal()
        view, secret = await self._streams.rotate_secret(
            principal, request.organization_id, request.log_stream_id, request.overlap_seconds
        )
        return pb.RotateLogStreamSecretResponse(log_stream=log_stream_message(view), signing_secret=secret)
