"""Table models (SQLModel) of the tables every service keeps in its own database, and helpers to declare tables.

Each service declares its tables as SQLModel table models on a base of its own (its own registry, hence its own
metadata: the services have tables of the same name). The models give typed rows to tests and migrations; the
stores keep issuing SQLAlchemy Core statements over `core_table(Model)`, which is the very same Table.
Timestamps take `sa_type=UTCDateTime` (naive UTC in every database): SQLModel's own choice for `datetime` is a
timezone-aware column, which is not the schema our migrations build.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from sqlalchemy import LargeBinary, MetaData, Table, Text, inspect
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.db import UTCDateTime
from services.common.idempotency import MAX_IDEMPOTENCY_KEY_LENGTH
from services.common.idempotency import TABLE_NAME as IDEMPOTENCY_TABLE_NAME

Row = TypeVar("Row", bound=SQLModel)


def model_base(metadata: MetaData) -> type[SQLModel]:
    """A fresh SQLModel base whose table models are declared in `metadata` (their own registry)."""
    base = types.new_class("ModelBase", (SQLModel,), {"registry": registry(metadata=metadata)})
    return cast(type[SQLModel], base)


def table_model(row: type[Row], base: type[SQLModel], tablename: str) -> type[Row]:
    """The table model of `row`'s fields as `tablename` in `base`'s metadata."""
    model = types.new_class(
        row.__name__,
        (row, base),
        {"table": True},
        lambda namespace: namespace.update(__tablename__=tablename, __module__=row.__module__),
    )
    return cast(type[Row], model)


def core_table(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for the stores' SQLAlchemy statements."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


class OutboxRow(SQLModel):
    id: str = Field(primary_key=True, max_length=36, sa_column_kwargs={"comment": "event id, also the Nats-Msg-Id"})
    subject: str = Field(max_length=255)
    payload: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime | None = Field(sa_type=UTCDateTime, index=True)
    attempts: int = Field(default=0)


class ProcessedEventRow(SQLModel):
    consumer: str = Field(primary_key=True, max_length=100)
    event_id: str = Field(primary_key=True, max_length=36)
    processed_at: datetime = Field(sa_type=UTCDateTime)


class ParkedEventRow(SQLModel):
    id: str = Field(primary_key=True, max_length=36)
    consumer: str = Field(max_length=100)
    event_id: str = Field(max_length=36)
    subject: str = Field(max_length=255)
    payload: bytes = Field(sa_type=LargeBinary)
    error: str = Field(sa_type=Text)
    deliveries: int
    parked_at: datetime = Field(sa_type=UTCDateTime)


class LeaseRow(SQLModel):
    name: str = Field(primary_key=True, max_length=100, sa_column_kwargs={"comment": "the work it guards"})
    holder: str = Field(max_length=200, sa_column_kwargs={"comment": "the replica holding it (its replica_id)"})
    expires_at: datetime = Field(sa_type=UTCDateTime)


class IdempotencyKeyRow(SQLModel):
    scope: str = Field(
        primary_key=True, max_length=100, sa_column_kwargs={"comment": "organization id, or '' for platform calls"}
    )
    operation: str = Field(primary_key=True, max_length=100)
    # The idempotency key (the column kept the name it was created with).
    request_id: str = Field(primary_key=True, max_length=MAX_IDEMPOTENCY_KEY_LENGTH)
    response: bytes | None = Field(
        default=None, sa_type=LargeBinary, sa_column_kwargs={"comment": "NULL while the first call runs"}
    )
    fingerprint: str | None = Field(
        default=None, max_length=64, sa_column_kwargs={"comment": "sha256 of caller and request; NULL for use cases"}
    )
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


class QueuedMailRow(SQLModel):
    message_id: str = Field(
        primary_key=True, max_length=255, sa_column_kwargs={"comment": "the Message-ID header, angle brackets and all"}
    )
    recipient: str = Field(max_length=320)
    message: bytes = Field(sa_type=LargeBinary, sa_column_kwargs={"comment": "the composed message, as sent"})
    queued_at: datetime = Field(sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(
        default=None, sa_type=UTCDateTime, sa_column_kwargs={"comment": "a sender holds it until then"}
    )
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = Field(default=0)


@dataclass(frozen=True)
class MessagingModels:
    outbox: type[OutboxRow]
    processed_events: type[ProcessedEventRow]
    parked_events: type[ParkedEventRow]
    leases: type[LeaseRow]


def messaging_models(base: type[SQLModel]) -> MessagingModels:
    """The outbox and inbox table models in `base`'s metadata."""
    return MessagingModels(
        outbox=table_model(OutboxRow, base, "outbox"),
        processed_events=table_model(ProcessedEventRow, base, "processed_events"),
        parked_events=table_model(ParkedEventRow, base, "parked_events"),
        leases=table_model(LeaseRow, base, "leases"),
    )


def idempotency_model(base: type[SQLModel]) -> type[IdempotencyKeyRow]:
    """The idempotency keys table model in `base`'s metadata."""
    return table_model(IdempotencyKeyRow, base, IDEMPOTENCY_TABLE_NAME)


def mail_outbox_model(base: type[SQLModel]) -> type[QueuedMailRow]:
    """The mail outbox table model (mails composed in a transaction, sent after it commits) in `base`'s metadata."""
    return table_model(QueuedMailRow, base, "mail_outbox")
