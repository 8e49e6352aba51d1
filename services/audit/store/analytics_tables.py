"""Analytics' tables in audit's database: projections of members, groups and seats, and the daily roll-ups the
consumer keeps up to date event by event (reads never scan the raw log)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, Index
from sqlmodel import Field

from services.audit.store.tables import AuditBase
from services.common.db import UTCDateTime
from services.common.tables import core_table


class AnalyticsMemberRow(AuditBase, table=True):
    """Membership's members as last heard (by version): who holds a seat, and which account signs in as whom."""

    __tablename__ = "analytics_members"
    __table_args__ = (Index("ix_analytics_members_account", "account_id"),)

    organization_id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(primary_key=True, max_length=36)
    account_id: str = Field(max_length=36)
    status: str = Field(max_length=16)
    seat_consuming: bool
    version: int


class AnalyticsGroupRow(AuditBase, table=True):
    __tablename__ = "analytics_groups"

    organization_id: str = Field(primary_key=True, max_length=36)
    group_id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    version: int


class AnalyticsGroupMemberRow(AuditBase, table=True):
    __tablename__ = "analytics_group_members"

    organization_id: str = Field(primary_key=True, max_length=36)
    group_id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(primary_key=True, max_length=36)


class AnalyticsSeatsRow(AuditBase, table=True):
    """Billing's subscription: seats purchased, by version."""

    __tablename__ = "analytics_seats"

    organization_id: str = Field(primary_key=True, max_length=36)
    seats_purchased: int
    version: int


class DailyActivityRow(AuditBase, table=True):
    """One row per organization, day and active member: the roll-up every activity figure reads."""

    __tablename__ = "analytics_daily_activity"
    # Keyed by member first: a page of members walks the key in order and stops; the day index serves
    # "who was active in these days".
    __table_args__ = (Index("ix_analytics_daily_activity_day", "organization_id", "day", "member_id"),)

    organization_id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(primary_key=True, max_length=36)
    day: date = Field(primary_key=True, sa_type=Date)
    sign_ins: int
    usage_events: int


class DailyActiveRow(AuditBase, table=True):
    """Active members per organization and day, counted when a member's first activity of the day arrives."""

    __tablename__ = "analytics_daily_active"

    organization_id: str = Field(primary_key=True, max_length=36)
    day: date = Field(primary_key=True, sa_type=Date)
    active_members: int


class DailyUsageRow(AuditBase, table=True):
    """Usage per organization, member, day and metric."""

    __tablename__ = "analytics_daily_usage"

    organization_id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(primary_key=True, max_length=36)
    day: date = Field(primary_key=True, sa_type=Date)
    metric: str = Field(primary_key=True, max_length=100)
    total: int = Field(sa_column=Column(BigInteger, nullable=False))


class DailyUsageTotalRow(AuditBase, table=True):
    """Usage per organization, day and metric, with how many members reported it: the organization's figures
    without summing every member's rows."""

    __tablename__ = "analytics_daily_usage_totals"

    organization_id: str = Field(primary_key=True, max_length=36)
    day: date = Field(primary_key=True, sa_type=Date)
    metric: str = Field(primary_key=True, max_length=100)
    total: int = Field(sa_column=Column(BigInteger, nullable=False))
    members: int


class GroupDailyUsageRow(AuditBase, table=True):
    """Usage per group, day and metric, added to the groups the member was in when the usage was counted: a
    group's figures without summing every member's rows."""

    __tablename__ = "analytics_group_daily_usage"

    organization_id: str = Field(primary_key=True, max_length=36)
    group_id: str = Field(primary_key=True, max_length=36)
    day: date = Field(primary_key=True, sa_type=Date)
    metric: str = Field(primary_key=True, max_length=100)
    total: int = Field(sa_column=Column(BigInteger, nullable=False))


class MemberLastActiveRow(AuditBase, table=True):
    """Each member's latest active day (and time), one row per member: "active since <day>" is a range count on
    the (organization, day) index instead of a distinct count over every member-day of the window. The seat flag
    is kept in step with analytics_members, so the count of seats in use is a range count too."""

    __tablename__ = "analytics_member_last_active"
    __table_args__ = (
        Index("ix_analytics_member_last_active_day", "organization_id", "last_active_day", "seat_consuming"),
    )

    organization_id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(primary_key=True, max_length=36)
    last_active_day: date = Field(sa_type=Date)
    last_active_at: datetime = Field(sa_type=UTCDateTime)
    seat_consuming: bool


class PendingSignInRow(AuditBase, table=True):
    """Sign-ins into an organization by an account whose member has not been heard of yet (identity's and
    membership's streams are consumed independently); applied when the member arrives."""

    __tablename__ = "analytics_pending_sign_ins"

    organization_id: str = Field(primary_key=True, max_length=36)
    account_id: str = Field(primary_key=True, max_length=36)
    day: date = Field(primary_key=True, sa_type=Date)
    sign_ins: int


class UsageEventRow(AuditBase, table=True):
    """Ids of usage events already counted, so a report sent twice (or over gRPC and NATS) counts once."""

    __tablename__ = "analytics_usage_events"
    # The retention job drops old ids by when they were received.
    __table_args__ = (Index("ix_analytics_usage_events_received", "received_at"),)

    organization_id: str = Field(primary_key=True, max_length=36)
    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = Field(sa_type=UTCDateTime)


analytics_members = core_table(AnalyticsMemberRow)
analytics_groups = core_table(AnalyticsGroupRow)
analytics_group_members = core_table(AnalyticsGroupMemberRow)
analytics_seats = core_table(AnalyticsSeatsRow)
daily_activity = core_table(DailyActivityRow)
daily_active = core_table(DailyActiveRow)
daily_usage = core_table(DailyUsageRow)
daily_usage_totals = core_table(DailyUsageTotalRow)
usage_events = core_table(UsageEventRow)
pending_sign_ins = core_table(PendingSignInRow)
member_last_active = core_table(MemberLastActiveRow)
group_daily_usage = core_table(GroupDailyUsageRow)
