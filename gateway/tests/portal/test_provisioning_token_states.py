"""How the Provisioning page names a SCIM token's state from what identity lists."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.portal.provisioning import token_state

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def token(expire_time: str | None = None, revoke_time: str | None = None) -> dict[str, str | None]:
    return {"expire_time": expire_time, "revoke_time": revoke_time}


def test_a_token_reads_active_expiring_expired_or_revoked() -> None:
    assert token_state(token(), NOW) == "active"
    assert token_state(token(expire_time="2026-11-29T12:00:00.000Z"), NOW) == "expiring"
    assert token_state(token(expire_time="2026-11-28T11:59:59.000Z"), NOW) == "expired"
    assert token_state(token("2026-11-29T12:00:00.000Z", revoke_time="2026-11-28T10:00:00.000Z"), NOW) == "revoked"
