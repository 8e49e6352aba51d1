"""REST models of the audit log: search, checkpoints and the public key set."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from gateway.models.fields import Id, PageSize, PageToken, QueryParameters, ResponseBody, Timestamp

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


def _in_utc(value: datetime) -> datetime:
    """The moment in UTC, within what the log can hold; a date near year 1 or 9999 with an offset is refused,
    not an overflow."""
    try:
        moment = value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("out of range") from exc
    if not EARLIEST <= moment < LATEST:
        raise ValueError("must be between 1970 and 9999")
    return moment


SearchTime = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class AuditSearchQuery(QueryParameters):
    action: Annotated[str | None, StringConstraints(max_length=100)] = None
    action_prefix: Annotated[
        str | None,
        StringConstraints(pattern=r"^[a-z0-9._]{1,100}$"),
        Field(description="Actions starting with this, e.g. `member.`."),
    ] = None
    actor_id: Id | None = None
    actor_ip: Annotated[str | None, StringConstraints(max_length=100)] = None
    target_id: Annotated[str | None, StringConstraints(max_length=200)] = None
    start_time: Annotated[SearchTime | None, Field(description="Entries whose action happened at or after.")] = None
    end_time: Annotated[SearchTime | None, Field(description="Entries whose action happened before.")] = None
    text: Annotated[
        str | None, StringConstraints(max_length=200), Field(description="Free text in the details, any case.")
    ] = None
    page_size: PageSize | None = None
    page_token: PageToken | None = None


class Checkpoint(ResponseBody):
    organization_id: str
    sequence: int
    hash: str
    sign_time: Timestamp | None
    key_id: str
    previous_signature: str
    signature: str


class CheckpointList(ResponseBody):
    checkpoints: list[Checkpoint]


class CheckpointKey(ResponseBody):
    key_id: str
    algorithm: str
    public_key: str
    valid_from: Timestamp | None
    valid_until: Timestamp | None


class CheckpointKeySet(ResponseBody):
    keys: list[CheckpointKey]
