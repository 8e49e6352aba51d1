"""Brute-force protection, on by default, with the semantics of Keycloak's brute-force detection.

Per account: after `max_failures` failed sign-ins within `window`, the account is locked for a wait that
doubles with each lockout (from `first_wait`, capped at `max_wait`). A locked account answers exactly like
a wrong password; failures during a lockout neither count nor extend it; a success resets the counter.
Only existing accounts keep state (keyed by account id, so case variants of an email share it), so
failures against unknown emails leave nothing behind that blocks a later sign-up.

Per client IP: too many failures in `ip_window` are refused with a retry delay (HTTP 429 + Retry-After),
without locking the accounts being tried.
"""

from __future__ import annotations

from collections import OrderedDict
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


class IpLimiter:
    """Failed sign-ins per client IP in a sliding window, kept in this replica's memory (bounded)."""

    def __init__(self, policy: LockoutPolicy, max_addresses: int = 100_000):
        self._policy = policy
        self._max_addresses = max_addresses
        self._failures: OrderedDict[str, list[datetime]] = OrderedDict()

    def _recent(self, ip_address: str, now: datetime) -> list[datetime]:
        cutoff = now - self._policy.ip_window
        recent = [t for t in self._failures.get(ip_address, []) if t > cutoff]
        if recent:
            self._failures[ip_address] = recent
        else:
            self._failures.pop(ip_address, None)
        return recent

    def retry_after(self, ip_address: str, now: datetime) -> int:
        """Seconds until this address may try again, or 0."""
        if not ip_address:
            return 0
        recent = self._recent(ip_address, now)
        if len(recent) < self._policy.ip_max_failures:
            return 0
        return max(int((recent[0] + self._policy.ip_window - now).total_seconds()) + 1, 1)

    def register_failure(self, ip_address: str, now: datetime) -> None:
        if not ip_address:
            return
        self._failures.setdefault(ip_address, []).append(now)
        self._failures.move_to_end(ip_address)
        while len(self._failures) > self._max_addresses:
            self._failures.popitem(last=False)
