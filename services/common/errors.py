"""Typed domain errors. Domain code raises these; transports map them once (gRPC here, HTTP in the gateway)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    """One invalid field of a request, as in google.rpc.BadRequest."""

    field: str
    description: str


class DomainError(Exception):
    """Base of every error a use case may raise on purpose.

    `reason` is a stable UPPER_SNAKE machine code (google.rpc.ErrorInfo.reason).
    """

    reason: str = "ERROR"

    def __init__(self, message: str, *, reason: str | None = None, metadata: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if reason:
            self.reason = reason
        self.metadata = metadata or {}


class InvalidArgument(DomainError):
    reason = "INVALID_ARGUMENT"

    def __init__(self, message: str, violations: list[FieldViolation] | None = None, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.violations = violations or []


class NotFound(DomainError):
    reason = "NOT_FOUND"


class AlreadyExists(DomainError):
    reason = "ALREADY_EXISTS"


@dataclass(frozen=True)
class PreconditionViolation:
    """One unmet precondition, as in google.rpc.PreconditionFailure."""

    type: str
    subject: str
    description: str


class FailedPrecondition(DomainError):
    reason = "FAILED_PRECONDITION"

    def __init__(self, message: str, violations: list[PreconditionViolation] | None = None, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.violations = violations or []


class PermissionDenied(DomainError):
    reason = "PERMISSION_DENIED"


class Unauthenticated(DomainError):
    reason = "UNAUTHENTICATED"


class Aborted(DomainError):
    """A concurrent change won (etag mismatch); the caller should re-read and retry."""

    reason = "ABORTED"


class Unavailable(DomainError):
    """Another service this call depends on could not be reached (or a change waits, as the SCIM safety hold's);
    nothing was changed, retry later (after `retry_after_seconds` when known)."""

    reason = "UNAVAILABLE"

    def __init__(self, message: str, retry_after_seconds: int = 0, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after_seconds = retry_after_seconds


class ResourceExhausted(DomainError):
    reason = "RESOURCE_EXHAUSTED"

    def __init__(self, message: str, retry_after_seconds: int = 0, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after_seconds = retry_after_seconds


@dataclass
class Violations:
    """Collects field violations and raises them together."""

    items: list[FieldViolation] = field(default_factory=list)

    def add(self, field_name: str, description: str) -> None:
        self.items.append(FieldViolation(field_name, description))

    def raise_if_any(self, message: str = "The request has invalid fields.") -> None:
        if self.items:
            raise InvalidArgument(message, self.items)
