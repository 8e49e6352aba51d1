"""REST routes of audit log streams: the organization's SIEM destinations and how their delivery goes."""

from __future__ import annotations

from typing import Any

from tenantry.audit.v1 import log_stream_service_pb2 as stream_pb

from gateway.models.log_streams import (
    CreatedLogStream,
    LogStream,
    LogStreamChange,
    LogStreamList,
    NewLogStream,
    RotatedLogStreamSecret,
    SecretRotation,
)
from gateway.routes.audit import _precise
from gateway.routing import ApiRoute, Context


def _stream(value: stream_pb.LogStream) -> dict[str, Any]:
    return {
        "id": value.id,
        "name": value.name,
        "url": value.url,
        "status": value.status,
        "cursor": value.cursor,
        "lag": value.lag,
        "attempts": value.attempts,
        "last_error": value.last_error,
        "failing_since": _precise(value.failing_since),
        "next_attempt_time": _precise(value.next_attempt_time),
        "last_delivery_time": _precise(value.last_delivery_time),
        "create_time": _precise(value.create_time),
        "update_time": _precise(value.update_time),
        "format": value.format or "webhook",
        "previous_secret_expire_time": _precise(value.previous_secret_expire_time),
    }


def _ids(context: Context) -> dict[str, str]:
    return {"organization_id": context.organization_id, "log_stream_id": context.path("log_stream_id")}


async def list_log_streams(context: Context) -> LogStreamList:
    reply = await context.call(
        context.clients.log_streams.ListLogStreams,
        stream_pb.ListLogStreamsRequest(organization_id=context.organization_id),
    )
    return LogStreamList.model_validate({"log_streams": [_stream(value) for value in reply.log_streams]})


async def create_log_stream(context: Context) -> CreatedLogStream:
    new = context.body_as(NewLogStream)
    reply = await context.call(
        context.clients.log_streams.CreateLogStream,
        stream_pb.CreateLogStreamRequest(
            organization_id=context.organization_id,
            name=new.name,
            url=new.url,
            format=new.format,
            destination_token=new.destination_token or "",
        ),
    )
    return CreatedLogStream.model_validate(
        {"log_stream": _stream(reply.log_stream), "signing_secret": reply.signing_secret}
    )


async def get_log_stream(context: Context) -> LogStream:
    reply = await context.call(context.clients.log_streams.GetLogStream, stream_pb.GetLogStreamRequest(**_ids(context)))
    return LogStream.model_validate(_stream(reply.log_stream))


async def update_log_stream(context: Context) -> LogStream:
    change = context.body_as(LogStreamChange)
    request = stream_pb.UpdateLogStreamRequest(**_ids(context))
    if change.name is not None:
        request.name = change.name
    if change.url is not None:
        request.url = change.url
    if change.destination_token is not None:
        request.destination_token = change.destination_token
    reply = await context.call(context.clients.log_streams.UpdateLogStream, request)
    return LogStream.model_validate(_stream(reply.log_stream))


async def pause_log_stream(context: Context) -> LogStream:
    reply = await context.call(
        context.clients.log_streams.PauseLogStream, stream_pb.PauseLogStreamRequest(**_ids(context))
    )
    return LogStream.model_validate(_stream(reply.log_stream))


async def resume_log_stream(context: Context) -> LogStream:
    reply = await context.call(
        context.clients.log_streams.ResumeLogStream, stream_pb.ResumeLogStreamRequest(**_ids(context))
    )
    return LogStream.model_validate(_stream(reply.log_stream))


async def rotate_log_stream_secret(context: Context) -> RotatedLogStreamSecret:
    rotation = context.body_as(SecretRotation)  # an empty body is {}: the default overlap
    reply = await context.call(
        context.clients.log_streams.RotateLogStreamSecret,
        stream_pb.RotateLogStreamSecretRequest(**_ids(context), overlap_seconds=rotation.overlap_seconds),
    )
    return RotatedLogStreamSecret.model_validate(
        {"log_stream": _stream(reply.log_stream), "signing_secret": reply.signing_secret}
    )


async def delete_log_stream(context: Context) -> None:
    await context.call(context.clients.log_streams.DeleteLogStream, stream_pb.DeleteLogStreamRequest(**_ids(context)))


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/audit/log-streams",
        list_log_streams,
        "The organization's audit log streams with their status, last error and lag (security.manage).",
        response=LogStreamList,
    ),
    ApiRoute(
        "POST",
        "/v1/audit/log-streams",
        create_log_stream,
        "Stream the organization's audit log to an https webhook, Splunk HEC or Datadog, within the plan's "
        "log_streams (security.manage); the signing secret is shown once.",
        body=NewLogStream,
        response=CreatedLogStream,
        success_status=201,
        shows_secret_once=True,
    ),
    ApiRoute(
        "GET",
        "/v1/audit/log-streams/{log_stream_id}",
        get_log_stream,
        "One log stream: status, cursor, lag, last error and next retry (security.manage).",
        response=LogStream,
    ),
    ApiRoute(
        "PATCH",
        "/v1/audit/log-streams/{log_stream_id}",
        update_log_stream,
        "Rename a log stream, point it at another URL or give it a new destination token; delivery goes on from "
        "its cursor (security.manage).",
        body=LogStreamChange,
        response=LogStream,
    ),
    ApiRoute(
        "POST",
        "/v1/audit/log-streams/{log_stream_id}/pause",
        pause_log_stream,
        "Stop delivering until resumed; entries meanwhile wait for it (security.manage).",
        response=LogStream,
    ),
    ApiRoute(
        "POST",
        "/v1/audit/log-streams/{log_stream_id}/resume",
        resume_log_stream,
        "Restart a paused or failing stream at once, re-delivering from its cursor (security.manage).",
        response=LogStream,
    ),
    ApiRoute(
        "POST",
        "/v1/audit/log-streams/{log_stream_id}/rotate-secret",
        rotate_log_stream_secret,
        "Replace the signing secret, shown once; the old one keeps signing alongside it for overlap_seconds "
        "(default 24 hours, both v1 in Tenantry-Signature), then stops (security.manage, a recent sign-in). "
        "Audited.",
        body=SecretRotation,
        response=RotatedLogStreamSecret,
        shows_secret_once=True,
    ),
    ApiRoute(
        "DELETE",
        "/v1/audit/log-streams/{log_stream_id}",
        delete_log_stream,
        "Remove a log stream and its secret (security.manage).",
        success_status=204,
    ),
)
