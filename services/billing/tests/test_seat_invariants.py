"""Property: whatever order reservations, releases, membership's confirmations and the passing of time come
in, seats in use never exceed seats purchased, and ReserveSeat answers yes exactly when the member already
holds a seat or one is free. Random sequences (hypothesis) run against a real SQLite database."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.billing.domain.model import SEAT_HOLD_LIFETIME
from services.billing.tests.harness import BILLING_READER, INVITER, ORG, open_harness
from services.common.errors import FailedPrecondition

PURCHASED = 3
MEMBERS = [f"m{index}" for index in range(6)]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("reserve"), st.sampled_from(MEMBERS)),
        st.tuples(st.just("release"), st.sampled_from(MEMBERS)),
        st.tuples(st.just("confirm"), st.sampled_from(MEMBERS)),
        st.tuples(st.just("remove"), st.sampled_from(MEMBERS)),
        st.tuples(st.just("wait_minutes"), st.integers(min_value=1, max_value=12)),
    ),
    max_size=25,
)


async def play(steps: list[tuple[str, object]], database_url: str) -> None:
    billing = await open_harness(database_url, default_seats=PURCHASED)
    try:
        await billing.open_organization()
        versions = dict.fromkeys(MEMBERS, 0)
        confirmable: set[str] = set()  # reserved and not yet confirmed or released: membership may write them
        for action, argument in steps:
            before = await billing.use_cases.seat_holds.seat_usage(BILLING_READER, ORG)
            if action == "reserve":
                member_id = str(argument)
                holder = await billing.store_holder(member_id)
                already = holder is not None and holder.holds_seat(billing.clock.now() - SEAT_HOLD_LIFETIME)
                try:
                    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, member_id)
                    assert already or before.available > 0
                    confirmable.add(member_id)
                except FailedPrecondition as refused:
                    assert refused.reason == "NO_SEATS_AVAILABLE"
                    assert not already and before.available == 0
            elif action == "release":
                await billing.use_cases.seat_holds.release_seat(INVITER, ORG, str(argument))
                confirmable.discard(str(argument))
            elif action == "confirm" and argument in confirmable:
                # Membership writes the invitation it held a seat for; its event arrives in time.
                versions[str(argument)] += 1
                await billing.member_event("member.invited", str(argument), "invited", versions[str(argument)])
                confirmable.discard(str(argument))
            elif action == "remove" and versions[str(argument)]:
                versions[str(argument)] += 1
                await billing.member_event("member.removed", str(argument), "removed", versions[str(argument)], False)
            elif action == "wait_minutes":
                billing.clock.advance(timedelta(minutes=int(str(argument))))
                # A hold that lapsed can no longer be confirmed: membership gave up on that change.
                for member_id in list(confirmable):
                    holder = await billing.store_holder(member_id)
                    if holder is None or not holder.holds_seat(billing.clock.now() - SEAT_HOLD_LIFETIME):
                        confirmable.discard(member_id)
            after = await billing.use_cases.seat_holds.seat_usage(BILLING_READER, ORG)
            assert after.in_use <= after.purchased, (action, argument, after)
    finally:
        await billing.db.dispose()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_no_sequence_of_holds_releases_confirmations_and_time_oversells(steps: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(play(steps, f"sqlite+aiosqlite:///{Path(folder) / 'billing.db'}"))
