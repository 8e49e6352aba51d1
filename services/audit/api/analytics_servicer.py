"""AnalyticsService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.audit.v1 import analytics_service_pb2 as pb
from tenantry.audit.v1 import analytics_service_pb2_grpc as pb_grpc

from services.audit.domain.analytics import AnalyticsUseCases
from services.audit.domain.analytics_model import ActivityPeriod, UsageTotal, period_of
from services.audit.events.analytics_consume import usage_events_of
from services.common.pagination import PageTokens, page_size, split_page
from services.common.principal import current_call


def _totals(usage: tuple[UsageTotal, ...]) -> list[pb.MetricTotal]:
    return [pb.MetricTotal(metric=total.metric, total=total.total) for total in usage]


def _scope(kind: str, period: ActivityPeriod) -> str:
    """A page token belongs to one list, organization and period."""
    return f"analytics-{kind}:{period.organization_id}:{period.first}:{period.last}"


class AnalyticsServicer(pb_grpc.AnalyticsServiceServicer):
    def __init__(self, use_cases: AnalyticsUseCases, page_tokens: PageTokens):
        self._use_cases = use_cases
        self._page_tokens = page_tokens

    def _period(
        self, request: pb.ListMemberActivityRequest | pb.ListGroupActivityRequest | pb.ListDailyUsageRequest
    ) -> ActivityPeriod:
        return period_of(request.organization_id, request.start_day, request.end_day, self._use_cases.today())

    async def ReportUsage(
        self, request: pb.ReportUsageRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReportUsageResponse:
        report = await self._use_cases.report_usage(
            current_call().require_principal(), request.organization_id, usage_events_of(request)
        )
        return pb.ReportUsageResponse(accepted=report.accepted, duplicates=report.duplicates)

    async def GetAdoption(
        self, request: pb.GetAdoptionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAdoptionResponse:
        adoption = await self._use_cases.adoption(
            current_call().require_principal(), request.organization_id, request.days
        )
        return pb.GetAdoptionResponse(
            active_users_this_week=adoption.active_users_this_week,
            seats_active=adoption.seats_active,
            seats_purchased=adoption.seats_purchased,
            adoption=adoption.ratio,
            seats_assigned=adoption.seats_assigned,
            trend=[pb.DailyActive(day=day.isoformat(), active_members=count) for day, count in adoption.trend],
        )

    async def ListMemberActivity(
        self, request: pb.ListMemberActivityRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListMemberActivityResponse:
        period = self._period(request)
        scope = _scope("members", period)
        position = self._page_tokens.decode(scope, request.page_token)
        limit = page_size(request.page_size)
        found = await self._use_cases.member_activity(
            current_call().require_principal(), period, position["after"] if position else "", limit + 1
        )
        page, next_token = split_page(found, limit, self._page_tokens, scope, lambda m: {"after": m.member_id})
        return pb.ListMemberActivityResponse(
            members=[
                pb.MemberActivity(
                    member_id=m.member_id,
                    active_days=m.active_days,
                    last_active_day=m.last_active_day.isoformat(),
                    sign_ins=m.sign_ins,
                    usage=_totals(m.usage),
                )
                for m in page
            ],
            next_page_token=next_token,
        )

    async def ListGroupActivity(
        self, request: pb.ListGroupActivityRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListGroupActivityResponse:
        period = self._period(request)
        scope = _scope("groups", period)
        position = self._page_tokens.decode(scope, request.page_token)
        limit = page_size(request.page_size)
        found = await self._use_cases.group_activity(
            current_call().require_principal(), period, position["after"] if position else "", limit + 1
        )
        page, next_token = split_page(found, limit, self._page_tokens, scope, lambda g: {"after": g.group_id})
        return pb.ListGroupActivityResponse(
            groups=[
                pb.GroupActivity(
                    group_id=g.group_id,
                    name=g.name,
                    members=g.members,
                    active_members=g.active_members,
                    usage=_totals(g.usage),
                )
                for g in page
            ],
            next_page_token=next_token,
        )

    async def ListDailyUsage(
        self, request: pb.ListDailyUsageRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListDailyUsageResponse:
        rows = await self._use_cases.daily_usage(
            current_call().require_principal(), self._period(request), request.member_id
        )
        return pb.ListDailyUsageResponse(
            usage=[
                pb.DailyUsage(day=day.isoformat(), metric=metric, total=total, members=members)
                for day, metric, total, members in rows
            ]
        )
