"""Billing periods: a subscription renews on its anchor day each month or year (clamped to short months)."""

from __future__ import annotations

import calendar
from datetime import datetime

from services.billing.domain.catalogue import INTERVAL_MONTH, INTERVAL_YEAR


def add_months(anchor: datetime, months: int) -> datetime:
    """The anchor moved by whole months; the 31st becomes the last day of a shorter month."""
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return anchor.replace(year=year, month=month, day=day)


def period_end(anchor: datetime, periods: int, interval: str) -> datetime:
    """The end of the `periods`-th period after the anchor (counting from the anchor itself, so every end
    stays on the anchor day: 31 Jan -> 28 Feb -> 31 Mar, never drifting to the 28th)."""
    if interval == INTERVAL_MONTH:
        return add_months(anchor, periods)
    if interval == INTERVAL_YEAR:
        return add_months(anchor, 12 * periods)
    raise ValueError(f"unknown interval {interval!r}")


def seconds_between(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds())
