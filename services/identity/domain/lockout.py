"""Brute-force protection, on by default, with the semantics of Keycloak's brute-force detection.

Per account: after `max_failures` failed sign-ins within `window`, the account is locked for a wait that
doubles with each lockout (from `first_wait`, capped at `max_wait`). A locked account answers exactly like
a wrong password; failures during a lockout neither count nor extend it; a success resets the counter.
Only existing accounts keep state (keyed by account id, so case variants of an email share it), so
failures against unknown emails leave nothing behind that blocks a later sign-up.

Per client IP: too many failures in `ip_window` are refused with a retry delay (HTTP 429 + Retry-After),
without locking the accounts being tried. The counts live in the database, so the limit holds across replicas.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 10
    window: timedelta = timedelta(minutes=15)
    first_wait: timedelta = timedelta(minutes=1)
    max_wait: timedelta = timedelta(minutes=15)
    ip_max_failures: int = 50
    ip_window: timedelta = timedelta(minutes=5)
    # Keycloak's quick-login check: two failures closer than this look like a script, and lock briefly.
    quick_login_interval: timedelta = timedelta(milliseconds=1000)
    quick_login_wait: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class FailureState:
    """An account's recent failed sign-ins."""

    account_id: str
    failures: int
    window_started_at: datetime
    locked_until: datetime | None = None
    lockouts: int = 0
    last_failure_at: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def register_failure(state: FailureState | None, account_id: str, now: datetime, policy: LockoutPolicy) -> FailureState:
    """The state after one more failure; a failure during a lockout changes nothing."""
    if state is not None and state.is_locked(now):
        return state
    previous_failure = state.last_failure_at if state is not None else None
    if state is None or now - state.window_started_at > policy.window:
        lockouts = state.lockouts if state is not None else 0
        state = FailureState(account_id, 0, now, None, lockouts)
    failures = state.failures + 1
    if failures < policy.max_failures:
        if previous_failure is not None and now - previous_failure < policy.quick_login_interval:
            return replace(state, failures=failures, locked_until=now + policy.quick_login_wait, last_failure_at=now)
        return replace(state, failures=failures, last_failure_at=now)
    wait = min(policy.first_wait * (2**state.lockouts), policy.max_wait)
    # A new window starts after the lockout, so the next lockout needs max_failures fresh failures.
    return FailureState(account_id, 0, now + wait, now + wait, state.lockouts + 1, now)


# Per-address failures are counted in buckets this long: one row per address and bucket, whatever the rate.
IP_BUCKET = timedelta(seconds=30)


def ip_bucket_start(now: datetime) -> datetime:
    """The start of the bucket a failure at `now` counts in."""
    seconds = IP_BUCKET.total_seconds()
    return datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=now.tzinfo)


def ip_buckets_since(policy: LockoutPolicy, now: datetime) -> datetime:
    """Buckets starting after this instant still count: those whose span overlaps the window."""
    return now - policy.ip_window - IP_BUCKET


def ip_retry_after(policy: LockoutPolicy, buckets: list[tuple[datetime, int]], now: datetime) -> int:
    """Seconds until an address whose recent failures are `buckets` ((start, failures), oldest first, from
    `ip_buckets_since`) may try again, or 0. It waits until enough of its oldest buckets leave the window."""
    total = sum(failures for _, failures in buckets)
    if total < policy.ip_max_failures:
        return 0
    excess = total - policy.ip_max_failures + 1
    for start, failures in buckets:
        excess -= failures
        if excess <= 0:
            leaves_at = start + IP_BUCKET + policy.ip_window
            return max(int((leaves_at - now).total_seconds()) + 1, 1)
    return 1  # pragma: no cover - the loop always reaches the excess
