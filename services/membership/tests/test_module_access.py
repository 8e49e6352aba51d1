"""Product modules switched per organization and per group, bounded by the plan, and CheckAccess answering from a
cache that sees a change within its lifetime; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, module_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.common.messaging import Outbox
from services.common.principal import Principal
from services.common.tests.entitlement_events import deliver_entitlements, entitlements_changed
from services.membership.domain import roles
from services.membership.domain.access import MAX_BATCH_CHECKS, AccessUseCases
from services.membership.domain.groups import GroupFields, GroupUseCases
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.domain.modules import ModuleCatalogueError, load_modules, parse_modules
from services.membership.events.modules import module_envelope
from services.membership.store.access import SqlAccessStore
from services.membership.store.tables import entitlements, messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = user_with_role("acc-owner", roles.OWNER, ORG)
USER_ADMIN = user_with_role("acc-admin", roles.USER_ADMIN, ORG)
# The product's service account: a program's credential holding members.read.
PRODUCT = Principal(actor_type="service_account", actor_id="svc-product", organization_id=ORG,
                    permissions=frozenset({"members.read"}))  # fmt: skip


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.value = 0.0

    def __call__(self) -> float:
        return self.value


@dataclass
class Modules:
    access: AccessUseCases
    groups: GroupUseCases
    db: Database
    ticks: Ticks


@pytest.fixture
async def modules(database_url: str) -> AsyncIterator[Modules]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            people = (("m-owner", MemberStatus.ACTIVE), ("m-ann", MemberStatus.ACTIVE),
                      ("m-bob", MemberStatus.ACTIVE), ("m-gone", MemberStatus.DEACTIVATED))  # fmt: skip
            for member_id, status in people:
                await tx.insert_member(
                    Member(member_id, ORG, f"acc-{member_id}", f"{member_id}@acme.test", member_id, "member", status,
                           NOW, NOW)
                )  # fmt: skip
        ticks = Ticks()
        access_store = SqlAccessStore(db, Outbox(messaging, clock), clock, module_envelope)
        access = AccessUseCases(access_store, load_modules(), clock, ttl_seconds=2.0, monotonic=ticks)
        await deliver_entitlements(db, entitlements, entitlements_changed(ORG, version=2))
        yield Modules(access, GroupUseCases(store, clock), db, ticks)


def later(modules: Modules, seconds: float = 2.5) -> None:
    modules.ticks.value += seconds


async def allowed(modules: Modules, member_id: str, module_id: str) -> tuple[bool, str]:
    decision = await modules.access.check(PRODUCT, ORG, member_id, module_id)
    return decision.allowed, decision.reason


def test_the_module_catalogue_binds_each_module_to_an_entitlement_and_refuses_a_broken_one() -> None:
    catalogue = load_modules()
    assert {module.id: module.entitlement for module in catalogue.modules}["dictation"] == "dictation"
    with pytest.raises(ModuleCatalogueError) as refused:
        parse_modules({"modules": [{"id": "A B", "name": "", "entitlement": "x", "per_group": "yes"}]})
    assert "id must be a lowercase name" in str(refused.value)
    assert "per_group must be true or false" in str(refused.value)


async def test_an_active_member_uses_a_module_of_the_plan_that_is_on(modules: Modules) -> None:
    assert await allowed(modules, "m-ann", "dictation") == (True, "")
    assert await allowed(modules, "m-ann", "integrations") == (False, "NOT_ENTITLED")  # not in the Team plan
    assert await allowed(modules, "m-gone", "dictation") == (False, "MEMBER_NOT_ACTIVE")
    assert await allowed(modules, "m-nobody", "dictation") == (False, "NO_SUCH_MEMBER")
    assert await allowed(modules, "m-ann", "teleport") == (False, "NO_SUCH_MODULE")


async def test_switching_a_module_off_is_seen_by_checks_within_the_cache_lifetime(modules: Modules) -> None:
    assert await allowed(modules, "m-ann", "templates") == (True, "")
    other_replica = AccessUseCases(
        modules.access._store, load_modules(), FrozenClock(NOW), 2.0, monotonic=modules.ticks
    )
    assert (await other_replica.check(PRODUCT, ORG, "m-ann", "templates")).allowed  # cached there too
    state = await modules.access.set_module(OWNER, ORG, "templates", "", False)
    assert not state.enabled
    assert await allowed(modules, "m-ann", "templates") == (False, "MODULE_OFF")  # at once where it was switched
    assert (await other_replica.check(PRODUCT, ORG, "m-ann", "templates")).allowed  # still cached elsewhere
    later(modules)
    assert not (await other_replica.check(PRODUCT, ORG, "m-ann", "templates")).allowed


async def test_a_group_switches_a_module_on_for_its_members_or_off_for_them(modules: Modules) -> None:
    night = await modules.groups.create_group(OWNER, ORG, GroupFields(name="Night shift"))
    await modules.groups.add_group_members(OWNER, ORG, night.id, ["m-ann"], False)
    await modules.access.set_module(OWNER, ORG, "dictation", night.id, False)
    assert await allowed(modules, "m-ann", "dictation") == (False, "MODULE_OFF")
    assert await allowed(modules, "m-bob", "dictation") == (True, "")
    await modules.access.set_module(OWNER, ORG, "dictation", "", False)
    await modules.access.set_module(OWNER, ORG, "dictation", night.id, True)
    later(modules)
    assert await allowed(modules, "m-ann", "dictation") == (True, "")  # her group has it on
    assert await allowed(modules, "m-bob", "dictation") == (False, "MODULE_OFF")
    with pytest.raises(FailedPrecondition) as refused:
        await modules.access.set_module(OWNER, ORG, "analytics", night.id, True)
    assert refused.value.reason == "NOT_PER_GROUP"
    with pytest.raises(NotFound):  # a missing group, or another organization's, is not found
        await modules.access.set_module(OWNER, ORG, "dictation", "no-such-group", True)


async def test_a_module_outside_the_plan_cannot_be_switched_on_and_the_refusal_names_the_plans(
    modules: Modules,
) -> None:
    with pytest.raises(FailedPrecondition) as refused:
        await modules.access.set_module(OWNER, ORG, "integrations", "", True)
    assert refused.value.reason == "ENTITLEMENT_REQUIRED"
    await modules.access.set_module(OWNER, ORG, "integrations", "", False)  # off is always allowed
    upgrade = entitlements_changed(ORG, version=3, plan_id="enterprise-yearly", modules=("dictation", "integrations"))
    await deliver_entitlements(modules.db, entitlements, upgrade)
    await modules.access.set_module(OWNER, ORG, "integrations", "", True)
    later(modules)
    assert await allowed(modules, "m-ann", "integrations") == (True, "")
    listed = {state.module.id: state for state in await modules.access.list_modules(USER_ADMIN, ORG)}
    assert (listed["integrations"].entitled, listed["integrations"].enabled) == (True, True)
    assert not listed["templates"].entitled  # the enterprise set above has no templates


async def test_only_owners_switch_modules_and_every_switch_is_an_event(modules: Modules) -> None:
    with pytest.raises(PermissionDenied):
        await modules.access.set_module(USER_ADMIN, ORG, "templates", "", False)
    await modules.access.set_module(OWNER, ORG, "templates", "", False)
    await modules.access.set_module(OWNER, ORG, "templates", "", False)  # unchanged: no second event
    await modules.access.set_module(OWNER, ORG, "templates", "", True)
    async with modules.db.read() as connection:
        payloads = list(
            await connection.scalars(
                select(messaging.outbox.c.payload)
                .where(messaging.outbox.c.subject == "tenantry.membership.module.switched")
                .order_by(messaging.outbox.c.created_at, messaging.outbox.c.id)
            )
        )
    switched = []
    for data in payloads:
        event = module_events_pb2.ModuleSwitched()
        envelope_pb2.Envelope.FromString(data).payload.Unpack(event)
        switched.append((event.module_id, event.enabled, event.version))
    assert switched == [("templates", False, 1), ("templates", True, 2)]


async def test_a_batch_answers_each_question_in_order_and_refuses_more_than_the_limit(modules: Modules) -> None:
    decisions = await modules.access.check_many(
        PRODUCT, ORG, [("m-ann", "dictation"), ("m-gone", "dictation"), ("m-ann", "integrations")]
    )
    assert [(d.member_id, d.allowed, d.reason) for d in decisions] == [
        ("m-ann", True, ""),
        ("m-gone", False, "MEMBER_NOT_ACTIVE"),
        ("m-ann", False, "NOT_ENTITLED"),
    ]
    with pytest.raises(InvalidArgument):
        await modules.access.check_many(PRODUCT, ORG, [("m-ann", "dictation")] * (MAX_BATCH_CHECKS + 1))


async def test_another_organizations_members_are_not_answered(modules: Modules) -> None:
    stranger = Principal(actor_type="service_account", actor_id="svc-other", organization_id="org-2",
                         permissions=frozenset({"members.read"}))  # fmt: skip
    with pytest.raises(NotFound):
        await modules.access.check(stranger, ORG, "m-ann", "dictation")
