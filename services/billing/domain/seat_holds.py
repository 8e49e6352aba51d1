"""Seat holds: membership holds a seat before it invites (or reactivates, or grants seat.use) and gives it back if
that change fails; membership's member events then confirm or release seats (the projection of its members)."""

from __future__ import annotations

from services.billing.domain.authorization import authorize_any
from services.billing.domain.events import SeatReleased, SeatReserved
from services.billing.domain.model import (
    HOLD_VERSION,
    SEAT_ACTIVE,
    SEAT_INVITED,
    SEAT_RELEASED,
    SEAT_RESERVED,
    SeatHolder,
    SeatUsage,
    hold_cutoff,
    usage_from_counts,
)
from services.billing.domain.ports import BillingStore, BillingTransaction
from services.billing.domain.subscription import CANCELED
from services.billing.domain.subscription_opening import SubscriptionOpener
from services.common.clock import Clock
from services.common.errors import FailedPrecondition, NotFound, PreconditionViolation, Violations
from services.common.permissions import BILLING_READ, MEMBERS_INVITE, MEMBERS_MANAGE_ROLES
from services.common.principal import Principal

SEAT_HOLDING_PERMISSIONS = (MEMBERS_INVITE, MEMBERS_MANAGE_ROLES)
MAX_MEMBER_ID_LENGTH = 36


def validate_member_id(member_id: str) -> None:
    violations = Violations()
    if not member_id.strip():
        violations.add("member_id", "A member id is required.")
    elif len(member_id) > MAX_MEMBER_ID_LENGTH:
        violations.add("member_id", f"A member id has at most {MAX_MEMBER_ID_LENGTH} characters.")
    violations.raise_if_any()


class SeatHoldUseCases:
    def __init__(self, store: BillingStore, clock: Clock, opener: SubscriptionOpener):
        self._store = store
        self._clock = clock
        self._opener = opener

    async def seat_usage(self, principal: Principal, organization_id: str) -> SeatUsage:
        principal.authorize(BILLING_READ, organization_id)
        async with self._store.read() as tx:
            subscription = await tx.get_subscription(organization_id)
            if subscription is None:
                raise NotFound("No subscription for this organization.")
            counts = await tx.seat_counts(organization_id, hold_cutoff(self._clock.now()))
        return usage_from_counts(subscription, counts)

    async def reserve_seat(self, principal: Principal, organization_id: str, member_id: str) -> SeatUsage:
        """Hold a seat for a member about to use one; a member who already holds one (confirmed or held) keeps
        it and no second seat is taken. Refuses with NO_SEATS_AVAILABLE when every seat is in use."""
        authorize_any(principal, SEAT_HOLDING_PERMISSIONS, organization_id)
        validate_member_id(member_id)
        now = self._clock.now()
        cutoff = hold_cutoff(now)
        async with self._store.write() as tx:
            subscription = await tx.lock_subscription(organization_id)
            if subscription is None:
                # The organization's first invitation came before membership's organization.created did.
                await self._opener.open_if_absent(tx, organization_id, principal)
                subscription = await tx.lock_subscription(organization_id)
                if subscription is None:
                    raise NotFound("No subscription for this organization.")
            existing = await tx.get_seat_holder(organization_id, member_id)
            usage = usage_from_counts(subscription, await tx.seat_counts(organization_id, cutoff))
            if existing is not None and existing.holds_seat(cutoff):
                if existing.holder.status == SEAT_RESERVED:
                    # A retry while the change is still under way: the hold lives on from now.
                    await tx.save_seat_holder(existing.holder, now, exists=True)
                return usage
            if subscription.status == CANCELED:
                raise FailedPrecondition(
                    "The subscription is canceled; it has no seats to give.", reason="SUBSCRIPTION_CANCELED"
                )
            if usage.in_use >= usage.purchased:
                raise FailedPrecondition(
                    "Every seat is in use; buy more seats or free one first.",
                    [
                        PreconditionViolation(
                            type="SEATS",
                            subject=f"organizations/{organization_id}",
                            description=f"{usage.in_use} of {usage.purchased} seats are in use.",
                        )
                    ],
                    reason="NO_SEATS_AVAILABLE",
                    metadata={"purchased": str(usage.purchased), "in_use": str(usage.in_use)},
                )
            # A member already known (say, removed, or active without seat.use) keeps its version, so
            # membership's next event for it, with a higher version, replaces the hold.
            version = existing.holder.version if existing is not None else HOLD_VERSION
            hold = SeatHolder(organization_id, member_id, SEAT_RESERVED, version)
            await tx.save_seat_holder(hold, now, exists=existing is not None)
            usage = usage_from_counts(
                subscription,
                {SEAT_ACTIVE: usage.active, SEAT_INVITED: usage.invited + 1},
            )
            await tx.record_events(
                SeatReserved(
                    actor=principal,
                    occurred_at=now,
                    organization_id=organization_id,
                    member_id=member_id,
                    seats_in_use=usage.in_use,
                    seats_purchased=usage.purchased,
                )
            )
        return usage

    async def release_seat(self, principal: Principal, organization_id: str, member_id: str) -> None:
        """Give back a hold no membership event has confirmed; anything else is left as it is."""
        authorize_any(principal, SEAT_HOLDING_PERMISSIONS, organization_id)
        validate_member_id(member_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            if await tx.lock_subscription(organization_id) is None:
                raise NotFound("No subscription for this organization.")
            existing = await tx.get_seat_holder(organization_id, member_id)
            if existing is None or existing.holder.status != SEAT_RESERVED:
                return
            if existing.holder.version == HOLD_VERSION:
                await tx.delete_seat_holder(organization_id, member_id)
            else:
                released = SeatHolder(organization_id, member_id, SEAT_RELEASED, existing.holder.version)
                await tx.save_seat_holder(released, now, exists=True)
            await tx.record_events(
                SeatReleased(
                    actor=principal,
                    occurred_at=now,
                    organization_id=organization_id,
                    member_id=member_id,
                )
            )

    async def apply_member_change(self, tx: BillingTransaction, holder: SeatHolder) -> None:
        """Membership's latest word on a member's seat (applied in the consumer's transaction), when newer than
        what billing holds."""
        # Taken in the same order as ReserveSeat (subscription first), so a member's event and a hold for
        # that member never interleave.
        await tx.lock_subscription(holder.organization_id)
        await tx.upsert_seat_holder(holder, self._clock.now())
