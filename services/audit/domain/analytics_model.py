"""Analytics' vocabulary and its pure rules: what a usage event may carry, what a period is, what adoption is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.common.errors import InvalidArgument, Violations

MAX_EVENTS_PER_BATCH = 500
MAX_EVENT_ID = 64
MAX_MEMBER_ID = 36
MAX_VALUE = 1_000_000_000
MAX_AGE = timedelta(days=90)
MAX_FUTURE = timedelta(hours=1)
# How long a usage event's id is kept to count it once: an id received earlier can only come back with an event
# that happened more than MAX_AGE ago, which validate_batch refuses anyway.
USAGE_ID_RETENTION = MAX_AGE + MAX_FUTURE
MAX_PERIOD_DAYS = 366
TREND_WINDOWS = (7, 30, 90)
DEFAULT_TREND_DAYS = 30
WEEK_DAYS = 7
# The documented metrics (services/audit/README.md); anything else must be namespaced "x-<vendor>.<name>".
KNOWN_METRICS = frozenset({"sessions", "words_dictated", "minutes_active", "documents_created", "application_used"})
NAMESPACED_METRIC = re.compile(r"x-[a-z0-9][a-z0-9_-]{0,30}\.[a-z0-9][a-z0-9_.-]{0,60}")
EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class UsageEvent:
    event_id: str
    member_id: str
    metric: str
    value: int
    occurred_at: datetime


@dataclass(frozen=True)
class MemberState:
    member_id: str
    account_id: str
    status: str
    seat_consuming: bool
    version: int


@dataclass(frozen=True)
class ActivityPeriod:
    organization_id: str
    first: date
    last: date


@dataclass(frozen=True)
class UsageTotal:
    metric: str
    total: int


@dataclass(frozen=True)
class MemberActivity:
    member_id: str
    active_days: int
    last_active_day: date
    sign_ins: int
    usage: tuple[UsageTotal, ...]


@dataclass(frozen=True)
class GroupActivity:
    group_id: str
    name: str
    members: int
    active_members: int
    usage: tuple[UsageTotal, ...]


@dataclass(frozen=True)
class Adoption:
    active_users_this_week: int
    seats_active: int
    seats_purchased: int
    seats_assigned: int
    trend: tuple[tuple[date, int], ...]

    @property
    def ratio(self) -> float:
        """Seats actively in use ÷ seats purchased, as the seeds define adoption."""
        return self.seats_active / self.seats_purchased if self.seats_purchased else 0.0


def is_known_metric(metric: str) -> bool:
    return metric in KNOWN_METRICS or NAMESPACED_METRIC.fullmatch(metric) is not None


def validate_batch(events: list[UsageEvent], now: datetime) -> None:
    """Refuse the whole batch, naming every bad event, so a report is never half counted."""
    violations = Violations()
    if not events:
        violations.add("events", "at least one event is required")
    if len(events) > MAX_EVENTS_PER_BATCH:
        violations.add("events", f"at most {MAX_EVENTS_PER_BATCH} events per batch, got {len(events)}")
        violations.raise_if_any("The usage batch is too large.")
    seen: set[str] = set()
    for index, event in enumerate(events):
        where = f"events[{index}]"
        if not EVENT_ID.fullmatch(event.event_id):
            violations.add(f"{where}.event_id", f"1 to {MAX_EVENT_ID} letters, digits or '_.:-'")
        elif event.event_id in seen:
            violations.add(f"{where}.event_id", "appears twice in the batch")
        seen.add(event.event_id)
        if not event.member_id or len(event.member_id) > MAX_MEMBER_ID:
            violations.add(f"{where}.member_id", f"1 to {MAX_MEMBER_ID} characters")
        if not is_known_metric(event.metric):
            violations.add(
                f"{where}.metric", f"one of {', '.join(sorted(KNOWN_METRICS))}, or namespaced as x-<vendor>.<name>"
            )
        if not 0 <= event.value <= MAX_VALUE:
            violations.add(f"{where}.value", f"0 to {MAX_VALUE}")
        if not now - MAX_AGE <= event.occurred_at <= now + MAX_FUTURE:
            violations.add(f"{where}.occur_time", "at most 90 days in the past and 1 hour in the future")
    violations.raise_if_any("The usage batch has invalid events; none was counted.")


def parse_day(text: str, field_name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(f"{field_name} must be a day as YYYY-MM-DD.", reason="INVALID_DAY") from None


def period_of(organization_id: str, start_day: str, end_day: str, today: date) -> ActivityPeriod:
    last = parse_day(end_day, "end_day") if end_day else today
    first = parse_day(start_day, "start_day") if start_day else last - timedelta(days=29)
    violations = Violations()
    if first > last:
        violations.add("start_day", "must not be after end_day")
    elif (last - first).days + 1 > MAX_PERIOD_DAYS:
        violations.add("start_day", f"a period covers at most {MAX_PERIOD_DAYS} days")
    violations.raise_if_any()
    return ActivityPeriod(organization_id, first, last)


def trend_days(days: int) -> int:
    if days == 0:
        return DEFAULT_TREND_DAYS
    if days not in TREND_WINDOWS:
        violations = Violations()
        violations.add("days", "7, 30 or 90")
        violations.raise_if_any()
    return days


def filled_trend(counts: dict[date, int], last: date, days: int) -> tuple[tuple[date, int], ...]:
    """Every day of the window, oldest first, 0 where nobody was active."""
    first = last - timedelta(days=days - 1)
    return tuple((first + timedelta(days=n), counts.get(first + timedelta(days=n), 0)) for n in range(days))
