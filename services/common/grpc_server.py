"""gRPC server bootstrap shared by every service: principal verification, idempotency keys, error mapping to
rich status, health (NOT_SERVING before draining), reflection and OpenTelemetry."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status
from opentelemetry.instrumentation.grpc import aio_server_interceptor

from services.common.denials import DenialRecorder
from services.common.errors import (
    Aborted,
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)
from services.common.idempotency import (
    IDEMPOTENCY_KEY_METADATA_KEY,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    IdempotencyRules,
    IdempotentCalls,
    check_key,
    request_fingerprint,
    response_type_of,
)
from services.common.metrics import GRPC_LATENCY, GRPC_REQUESTS
from services.common.principal import (
    CLIENT_IP_METADATA_KEY,
    PRINCIPAL_METADATA_KEY,
    REQUEST_ID_METADATA_KEY,
    USER_AGENT_METADATA_KEY,
    CallContext,
    PrincipalVerifier,
    reset_current_call,
    set_current_call,
)
from services.common.revocations import RevokedCredentials

log = logging.getLogger(__name__)

ERROR_DOMAIN = "tenantry.dev"
MAX_MESSAGE_BYTES = 4 * 1024 * 1024

_CODES: list[tuple[type[DomainError], int]] = [
    (InvalidArgument, code_pb2.INVALID_ARGUMENT),
    (NotFound, code_pb2.NOT_FOUND),
    (AlreadyExists, code_pb2.ALREADY_EXISTS),
    (FailedPrecondition, code_pb2.FAILED_PRECONDITION),
    (PermissionDenied, code_pb2.PERMISSION_DENIED),
    (Unauthenticated, code_pb2.UNAUTHENTICATED),
    (Aborted, code_pb2.ABORTED),
    (ResourceExhausted, code_pb2.RESOURCE_EXHAUSTED),
    (Unavailable, code_pb2.UNAVAILABLE),
]


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def status_for(error: DomainError) -> grpc.Status:
    """The gRPC status (with google.rpc details) that stands for a domain error."""
    code = next((c for kind, c in _CODES if isinstance(error, kind)), code_pb2.UNKNOWN)
    details = [_pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN, metadata=error.metadata))]
    if isinstance(error, InvalidArgument) and error.violations:
        details.append(
            _pack(
                error_details_pb2.BadRequest(
                    field_violations=[
                        error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                        for v in error.violations
                    ]
                )
            )
        )
    if isinstance(error, FailedPrecondition) and error.violations:
        details.append(
            _pack(
                error_details_pb2.PreconditionFailure(
                    violations=[
                        error_details_pb2.PreconditionFailure.Violation(
                            type=v.type, subject=v.subject, description=v.description
                        )
                        for v in error.violations
                    ]
                )
            )
        )
    if isinstance(error, ResourceExhausted | Unavailable) and error.retry_after_seconds:
        from google.protobuf.duration_pb2 import Duration

        details.append(_pack(error_details_pb2.RetryInfo(retry_delay=Duration(seconds=error.retry_after_seconds))))
    return rpc_status.to_status(status_pb2.Status(code=code, message=error.message, details=details))


Handler = Callable[[Any, grpc.aio.ServicerContext], Awaitable[Any]]


class CallInterceptor(grpc.aio.ServerInterceptor):
    """Verifies the principal token, exposes the call context to the servicer, honours idempotency keys and
    maps domain errors.

    An absent token yields an anonymous call (public RPCs such as sign-in); an invalid one is refused
    before the servicer runs. Use cases call `current_call().require_principal()` where they need one.
    A call that changes state (see `IdempotencyRules.honours_key`) made by a principal with an `idempotency-key` in
    its metadata runs once per key: see `IdempotentCalls`; for the batch RPCs a service settles in its use cases,
    the interceptor only hands the request's fingerprint on (`CallContext.request_fingerprint`).
    """

    def __init__(
        self,
        verifier: PrincipalVerifier | None,
        revoked: RevokedCredentials | None = None,
        denials: DenialRecorder | None = None,
        idempotency: IdempotentCalls | None = None,
        idempotency_rules: IdempotencyRules = IdempotencyRules(),
    ):
        self._verifier = verifier
        self._revoked = revoked
        self._denials = denials
        self._idempotency = idempotency
        self._rules = idempotency_rules

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        inner: Handler = handler.unary_unary
        method = handler_call_details.method
        verifier = self._verifier
        revoked = self._revoked
        denials = self._denials
        honours_key = self._rules.honours_key(method)
        idempotency = self._idempotency if self._rules.claimed_by_interceptor(method) else None

        async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
            metadata = {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}
            token = metadata.get(PRINCIPAL_METADATA_KEY, "")
            request_id = metadata.get(REQUEST_ID_METADATA_KEY, "")[:255]
            principal = None
            if token:
                if verifier is None:
                    await _abort(context, Unauthenticated("This service cannot verify principals."))
                try:
                    principal = verifier.verify(token).with_client(
                        metadata.get(CLIENT_IP_METADATA_KEY, ""),
                        metadata.get(USER_AGENT_METADATA_KEY, ""),
                        request_id,
                    )
                except Unauthenticated as exc:
                    await _abort(context, exc)
                if revoked is not None and revoked.is_revoked(principal.credential_id):
                    await _abort(context, Unauthenticated("This session or key has been revoked.", reason="REVOKED"))
            key = metadata.get(IDEMPOTENCY_KEY_METADATA_KEY, "")
            call = CallContext(
                principal=principal,
                principal_token=token,
                request_id=request_id,
                idempotency_key=key[:MAX_IDEMPOTENCY_KEY_LENGTH],
                request_fingerprint=request_fingerprint(principal, request)
                if honours_key and key and principal is not None and idempotency is None
                else "",
            )
            reset_token = set_current_call(call)
            started = time.perf_counter()
            code = "OK"
            try:
                if call.request_fingerprint:
                    check_key(key)
                if idempotency is not None and key and principal is not None:
                    return await idempotency.run(
                        principal, method, key, request, response_type_of(method), lambda: inner(request, context)
                    )
                return await inner(request, context)
            except DomainError as exc:
                code = exc.reason
                if denials is not None:
                    await denials.record(principal, method, exc, call.request_id)
                await _abort(context, exc)
            except grpc.aio.AbortError:
                raise
            except Exception:
                code = "INTERNAL"
                log.exception("unhandled error in %s", method)
                await context.abort(grpc.StatusCode.INTERNAL, "Internal error; it has been logged.")
            finally:
                reset_current_call(reset_token)
                GRPC_REQUESTS.labels(method, code).inc()
                GRPC_LATENCY.labels(method).observe(time.perf_counter() - started)

        return grpc.unary_unary_rpc_method_handler(
            wrapped,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def error_reason(error: grpc.aio.AioRpcError) -> str:
    """The google.rpc.ErrorInfo reason another service put on its answer, or ""."""
    rich = rpc_status.from_call(error)
    for packed in rich.details if rich else []:
        info = error_details_pb2.ErrorInfo()
        if packed.Unpack(info):
            return info.reason
    return ""


async def _abort(context: grpc.aio.ServicerContext, error: DomainError) -> NoReturn:
    status = status_for(error)
    await context.abort(status.code, status.details, status.trailing_metadata)
    raise AssertionError("context.abort always raises")


class GrpcServer:
    """A grpc.aio server with health, reflection and our interceptors."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        registrations: Sequence[tuple[Callable[[Any, grpc.aio.Server], None], Any, str]],
        verifier: PrincipalVerifier | None,
        revoked: RevokedCredentials | None = None,
        denials: DenialRecorder | None = None,
        idempotency: IdempotentCalls | None = None,
        idempotency_rules: IdempotencyRules = IdempotencyRules(),
        credentials: grpc.ServerCredentials | None = None,
    ):
        """`credentials`: TLS (or mutual TLS) for the port; None serves plaintext."""
        self._credentials = credentials
        self._host = host
        self._revoked = revoked
        self._denials = denials
        self._idempotency = idempotency
        self._idempotency_rules = idempotency_rules
        self._requested_port = port
        self._registrations = registrations
        self._verifier = verifier
        self._health = health.aio.HealthServicer()
        self._server: grpc.aio.Server | None = None
        self.port = 0

    @property
    def service_names(self) -> list[str]:
        return [name for _, _, name in self._registrations]

    async def start(self) -> int:
        server = grpc.aio.server(
            interceptors=[
                aio_server_interceptor(),
                CallInterceptor(
                    self._verifier, self._revoked, self._denials, self._idempotency, self._idempotency_rules
                ),
            ],
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.so_reuseport", 0),
            ],
        )
        for add, servicer, _ in self._registrations:
            add(servicer, server)
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        reflection.enable_server_reflection([*self.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
        address = f"{self._host}:{self._requested_port}"
        if self._credentials is None:
            self.port = server.add_insecure_port(address)
        else:
            self.port = server.add_secure_port(address, self._credentials)
        if self.port == 0:
            raise RuntimeError(f"cannot bind gRPC to {self._host}:{self._requested_port}")
        await server.start()
        self._server = server
        await self._set_health(health_pb2.HealthCheckResponse.SERVING)
        return self.port

    async def _set_health(self, status: int) -> None:
        await self._health.set("", status)
        for name in self.service_names:
            await self._health.set(name, status)

    async def stop(self, grace_seconds: float, drain_seconds: float = 0.0) -> None:
        """Report NOT_SERVING first and keep serving for `drain_seconds`, so load balancers and clients stop routing
        here, then stop taking calls and give in-flight ones `grace_seconds` to finish."""
        if self._server is None:
            return
        await self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        if drain_seconds > 0:
            await asyncio.sleep(drain_seconds)
        await self._server.stop(grace_seconds)
        self._server = None
