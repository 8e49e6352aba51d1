"""REST routes of analytics (analytics.read and the plan's analytics module): adoption and its trend, activity
per member and group, daily usage, each also as a streamed CSV file; and the product's usage reports."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import TypeVar

from starlette.responses import Response, StreamingResponse
from tenantry.audit.v1 import analytics_service_pb2 as pb

from gateway.models.analytics import (
    Adoption,
    AdoptionQuery,
    DailyUsageList,
    GroupActivityList,
    MemberActivityList,
    PeriodQuery,
    UsageQuery,
    UsageReport,
    UsageReportResult,
)
from gateway.routing import ApiRoute, Context
from services.common.spreadsheet import neutralise


def csv_lines(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return buffer.getvalue().encode()


def _csv_response(body: AsyncIterator[bytes], name: str) -> Response:
    return StreamingResponse(
        body, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}.csv"'}
    )


MEMBER_ACTIVITY_HEADER = ("member_id", "active_days", "last_active_day", "sign_ins", "usage")


def member_activity_rows(page: pb.ListMemberActivityResponse) -> Iterable[Sequence[object]]:
    """A page of member activity as CSV rows (the analytics export and the organization's archive)."""
    return ((m.member_id, m.active_days, m.last_active_day, m.sign_ins, _totals(m.usage)) for m in page.members)


def _totals(usage: Iterable[pb.MetricTotal]) -> str:
    return ";".join(f"{total.metric}={total.total}" for total in usage)


async def get_adoption(context: Context) -> Adoption:
    reply = await _adoption(context)
    return Adoption.model_validate(
        {
            "active_users_this_week": reply.active_users_this_week,
            "seats_active": reply.seats_active,
            "seats_purchased": reply.seats_purchased,
            "seats_assigned": reply.seats_assigned,
            "adoption": reply.adoption,
            "trend": [{"day": p.day, "active_members": p.active_members} for p in reply.trend],
        }
    )


async def _adoption(context: Context) -> pb.GetAdoptionResponse:
    query = context.params_as(AdoptionQuery)
    return await context.call(
        context.clients.analytics.GetAdoption,
        pb.GetAdoptionRequest(organization_id=context.organization_id, days=query.days or 0),
    )


async def export_trend(context: Context) -> Response:
    reply = await _adoption(context)

    async def body() -> AsyncIterator[bytes]:
        yield csv_lines([("day", "active_members"), *((p.day, p.active_members) for p in reply.trend)])

    return _csv_response(body(), "analytics-trend")


ActivityRequest = TypeVar("ActivityRequest", pb.ListMemberActivityRequest, pb.ListGroupActivityRequest)


def _activity_request(kind: type[ActivityRequest], context: Context, page_token: str) -> ActivityRequest:
    query = context.params_as(PeriodQuery)
    return kind(
        organization_id=context.organization_id,
        start_day=query.start_day.isoformat() if query.start_day else "",
        end_day=query.end_day.isoformat() if query.end_day else "",
        page_size=query.page_size or 0,
        page_token=page_token,
    )


async def list_member_activity(context: Context) -> MemberActivityList:
    query = context.params_as(PeriodQuery)
    reply = await context.call(
        context.clients.analytics.ListMemberActivity,
        _activity_request(pb.ListMemberActivityRequest, context, query.page_token or ""),
    )
    return MemberActivityList.model_validate(
        {
            "members": [
                {
                    "member_id": m.member_id,
                    "active_days": m.active_days,
                    "last_active_day": m.last_active_day,
                    "sign_ins": m.sign_ins,
                    "usage": [{"metric": u.metric, "total": u.total} for u in m.usage],
                }
                for m in reply.members
            ],
            "next_page_token": reply.next_page_token,
        }
    )


async def export_member_activity(context: Context) -> Response:
    # The first page is read before answering, so a refusal is still a problem+json answer.
    first = await context.call(
        context.clients.analytics.ListMemberActivity, _activity_request(pb.ListMemberActivityRequest, context, "")
    )

    async def body() -> AsyncIterator[bytes]:
        page = first
        yield csv_lines([MEMBER_ACTIVITY_HEADER])
        while True:
            yield csv_lines(member_activity_rows(page))
            if not page.next_page_token:
                return
            page = await context.call(
                context.clients.analytics.ListMemberActivity,
                _activity_request(pb.ListMemberActivityRequest, context, page.next_page_token),
            )

    return _csv_response(body(), "analytics-members")


async def list_group_activity(context: Context) -> GroupActivityList:
    query = context.params_as(PeriodQuery)
    reply = await context.call(
        context.clients.analytics.ListGroupActivity,
        _activity_request(pb.ListGroupActivityRequest, context, query.page_token or ""),
    )
    return GroupActivityList.model_validate(
        {
            "groups": [
                {
                    "group_id": g.group_id,
                    "name": g.name,
                    "members": g.members,
                    "active_members": g.active_members,
                    "usage": [{"metric": u.metric, "total": u.total} for u in g.usage],
                }
                for g in reply.groups
            ],
            "next_page_token": reply.next_page_token,
        }
    )


async def export_group_activity(context: Context) -> Response:
    first = await context.call(
        context.clients.analytics.ListGroupActivity, _activity_request(pb.ListGroupActivityRequest, context, "")
    )

    async def body() -> AsyncIterator[bytes]:
        page = first
        yield csv_lines([("group_id", "name", "members", "active_members", "usage")])
        while True:
            yield csv_lines((g.group_id, g.name, g.members, g.active_members, _totals(g.usage)) for g in page.groups)
            if not page.next_page_token:
                return
            page = await context.call(
                context.clients.analytics.ListGroupActivity,
                _activity_request(pb.ListGroupActivityRequest, context, page.next_page_token),
            )

    return _csv_response(body(), "analytics-groups")


async def _daily_usage(context: Context) -> pb.ListDailyUsageResponse:
    query = context.params_as(UsageQuery)
    return await context.call(
        context.clients.analytics.ListDailyUsage,
        pb.ListDailyUsageRequest(
            organization_id=context.organization_id,
            start_day=query.start_day.isoformat() if query.start_day else "",
            end_day=query.end_day.isoformat() if query.end_day else "",
            member_id=query.member_id or "",
        ),
    )


async def list_daily_usage(context: Context) -> DailyUsageList:
    reply = await _daily_usage(context)
    return DailyUsageList.model_validate(
        {"usage": [{"day": u.day, "metric": u.metric, "total": u.total, "members": u.members} for u in reply.usage]}
    )


async def export_daily_usage(context: Context) -> Response:
    reply = await _daily_usage(context)

    async def body() -> AsyncIterator[bytes]:
        yield csv_lines([("day", "metric", "total", "members")])
        yield csv_lines((u.day, u.metric, u.total, u.members) for u in reply.usage)

    return _csv_response(body(), "analytics-usage")


async def report_usage(context: Context) -> UsageReportResult:
    report = context.body_as(UsageReport)
    events = []
    for event in report.events:
        usage = pb.UsageEvent(
            event_id=event.event_id, member_id=event.member_id, metric=event.metric, value=event.value
        )
        usage.occur_time.FromDatetime(event.occur_time)
        events.append(usage)
    reply = await context.call(
        context.clients.analytics.ReportUsage,
        pb.ReportUsageRequest(organization_id=context.organization_id, events=events),
    )
    return UsageReportResult(accepted=reply.accepted, duplicates=reply.duplicates)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/analytics/adoption",
        get_adoption,
        "Active users this week, adoption (seats actively in use ÷ seats purchased) and the daily trend of active "
        "members over 7, 30 or 90 days (analytics.read, plan module analytics).",
        query=AdoptionQuery,
        response=Adoption,
    ),
    ApiRoute(
        "GET",
        "/v1/analytics/adoption.csv",
        export_trend,
        "The daily trend of active members as CSV (analytics.read).",
        query=AdoptionQuery,
        response_media=("text/csv",),
    ),
    ApiRoute(
        "GET",
        "/v1/analytics/members",
        list_member_activity,
        "Activity per member over a period: active days, last active day, sign-ins, usage (analytics.read).",
        query=PeriodQuery,
        response=MemberActivityList,
    ),
    ApiRoute(
        "GET",
        "/v1/analytics/members.csv",
        export_member_activity,
        "Activity per member over a period as CSV, streamed page by page (analytics.read).",
        query=PeriodQuery,
        response_media=("text/csv",),
    ),
    ApiRoute(
        "GET",
        "/v1/analytics/groups",
        list_group_activity,
        "Activity per group over a period: members, active members, usage of its current members (analytics.read).",
        query=PeriodQuery,
        response=GroupActivityList,
    ),
    ApiRoute(
        "GET",
        "/v1/analytics/groups.csv",
        export_group_activity,
        "Activity per group over a period as CSV, streamed page by page (analytics.read).",
        query=PeriodQuery,
        response_media=("text/csv",),
    ),
    ApiRoute(
        "GET",
        "/v1/analytics/usage",
        list_daily_usage,
        "Product usage per day and metric over a period, for the organization or one member (analytics.read).",
        query=UsageQuery,
        response=DailyUsageList,
    ),
    ApiRoute(
        "GET",
        "/v1/analytics/usage.csv",
        export_daily_usage,
        "Product usage per day and metric as CSV (analytics.read).",
        query=UsageQuery,
        response_media=("text/csv",),
    ),
    ApiRoute(
        "POST",
        "/v1/analytics/usage",
        report_usage,
        "Report product usage, at most 500 events, each counted once per event_id (analytics.report).",
        body=UsageReport,
        response=UsageReportResult,
    ),
)
