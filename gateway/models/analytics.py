"""REST models of analytics: adoption, activity per member and group, daily usage, and usage reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from gateway.models.fields import Id, PageSize, PageToken, QueryParameters, RequestBody, ResponseBody

Metric = Annotated[str, StringConstraints(min_length=1, max_length=100)]
EventId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


def _trend_window(days: int) -> int:
    if days not in (7, 30, 90):
        raise ValueError("must be 7, 30 or 90")
    return days


class AdoptionQuery(QueryParameters):
    days: Annotated[
        int | None,
        AfterValidator(_trend_window),
        Field(description="Trend window in days: 7, 30 or 90 (30 when absent)."),
    ] = None


class PeriodQuery(QueryParameters):
    start_day: Annotated[date | None, Field(description="First day (UTC); 29 days before end_day when absent.")] = None
    end_day: Annotated[date | None, Field(description="Last day (UTC), included; today when absent.")] = None
    page_size: PageSize | None = None
    page_token: PageToken | None = None


class UsageQuery(QueryParameters):
    start_day: Annotated[date | None, Field(description="First day (UTC); 29 days before end_day when absent.")] = None
    end_day: Annotated[date | None, Field(description="Last day (UTC), included; today when absent.")] = None
    member_id: Id | None = None


class DailyActive(ResponseBody):
    day: date
    active_members: int


class Adoption(ResponseBody):
    active_users_this_week: int
    seats_active: int = Field(description="Members holding a seat who were active in the last 7 days.")
    seats_purchased: int
    seats_assigned: int
    adoption: float = Field(description="seats_active / seats_purchased (0 when nothing is purchased).")
    trend: list[DailyActive]


class MetricTotal(ResponseBody):
    metric: str
    total: int


class MemberActivity(ResponseBody):
    member_id: str
    active_days: int
    last_active_day: date
    sign_ins: int
    usage: list[MetricTotal]


class MemberActivityList(ResponseBody):
    members: list[MemberActivity]
    next_page_token: str


class GroupActivity(ResponseBody):
    group_id: str
    name: str
    members: int
    active_members: int
    usage: list[MetricTotal]


class GroupActivityList(ResponseBody):
    groups: list[GroupActivity]
    next_page_token: str


class DailyUsage(ResponseBody):
    day: date
    metric: str
    total: int
    members: int


class DailyUsageList(ResponseBody):
    usage: list[DailyUsage]


class UsageEvent(RequestBody):
    event_id: EventId
    member_id: Id
    metric: Annotated[Metric, Field(description="A documented metric or a namespaced one, `x-<vendor>.<name>`.")]
    value: Annotated[int, Field(ge=0, le=1_000_000_000)]
    occur_time: AwareDatetime


class UsageReport(RequestBody):
    events: Annotated[list[UsageEvent], Field(min_length=1, max_length=500)]


class UsageReportResult(ResponseBody):
    accepted: int
    duplicates: int
