"""Organization-defined profile fields on SQLite and PostgreSQL: text, choice and date values checked against
their field, shown fields in member lists, who may set values, and a field whose type cannot change once used."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from services.common.clock import FrozenClock
from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.common.principal import Principal
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member, MemberQuery, MemberStatus, Organization
from services.membership.domain.profile_fields import ProfileFieldUseCases
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def person(account_id: str, role: str) -> Principal:
    return user_with_role(account_id, role, ORG)


OWNER, USER_ADMIN, ANN, BILLING = (
    person("acc-o", "owner"),
    person("acc-u", "user_admin"),
    person("acc-ann", "member"),
    person("acc-b", "billing_admin"),
)


@pytest.fixture
async def profiles(database_url: str) -> AsyncIterator[tuple[ProfileFieldUseCases, MemberUseCases]]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, _):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            await tx.insert_member(
                Member("m-ann", ORG, "acc-ann", "ann@acme.test", "Ann", "member", MemberStatus.ACTIVE, NOW, NOW)
            )
            await tx.insert_member(
                Member("m-bob", ORG, "acc-bob", "bob@acme.test", "Bob", "member", MemberStatus.ACTIVE, NOW, NOW)
            )
        fields = ProfileFieldUseCases(store, clock)
        await fields.save_field(OWNER, ORG, "department", "Department", "choice", ["Sales", "Engineering"], True)
        await fields.save_field(OWNER, ORG, "start_date", "Start date", "date", [], True)
        await fields.save_field(OWNER, ORG, "badge", "Badge number", "text", [], False)
        yield fields, MemberUseCases(store, clock)


async def test_an_admin_sets_values_and_lists_show_only_the_shown_fields(profiles) -> None:  # type: ignore[no-untyped-def]
    fields, members = profiles
    changed = await fields.set_member_profile(
        USER_ADMIN, ORG, "m-bob", {"department": "Sales", "start_date": "2026-02-01", "badge": "B-17"}
    )
    assert changed.profile == {"department": "Sales", "start_date": "2026-02-01"}
    listed = {m.id: m for m in await members.list_members(OWNER, MemberQuery(ORG, limit=10))}
    assert listed["m-bob"].profile == {"department": "Sales", "start_date": "2026-02-01"}
    assert listed["m-ann"].profile == {}
    cleared = await fields.set_member_profile(USER_ADMIN, ORG, "m-bob", {"department": ""})
    assert cleared.profile == {"start_date": "2026-02-01"}


async def test_every_bad_value_is_reported_and_nothing_is_written(profiles) -> None:  # type: ignore[no-untyped-def]
    fields, members = profiles
    with pytest.raises(InvalidArgument) as refused:
        await fields.set_member_profile(
            OWNER, ORG, "m-ann", {"department": "Marketing", "start_date": "31/12/2026", "shoe_size": "44"}
        )
    assert {v.field for v in refused.value.violations} == {
        "values[department]",
        "values[start_date]",
        "values[shoe_size]",
    }
    listed = {m.id: m for m in await members.list_members(OWNER, MemberQuery(ORG, limit=10))}
    assert listed["m-ann"].profile == {}


async def test_a_member_edits_their_own_profile_but_not_someone_elses(profiles) -> None:  # type: ignore[no-untyped-def]
    fields, _ = profiles
    mine = await fields.set_member_profile(ANN, ORG, "m-ann", {"department": "Engineering"})
    assert mine.profile == {"department": "Engineering"}
    with pytest.raises(PermissionDenied):
        await fields.set_member_profile(ANN, ORG, "m-bob", {"department": "Sales"})
    with pytest.raises(PermissionDenied):
        await fields.set_member_profile(BILLING, ORG, "m-bob", {"department": "Sales"})


async def test_only_owners_define_fields_and_a_used_fields_type_is_fixed(profiles) -> None:  # type: ignore[no-untyped-def]
    fields, _ = profiles
    with pytest.raises(PermissionDenied):
        await fields.save_field(USER_ADMIN, ORG, "team", "Team", "text", [], True)
    await fields.set_member_profile(OWNER, ORG, "m-ann", {"start_date": "2026-01-05"})
    with pytest.raises(FailedPrecondition):
        await fields.save_field(OWNER, ORG, "start_date", "Start date", "text", [], True)
    relabelled = await fields.save_field(OWNER, ORG, "start_date", "First day", "date", [], False)
    assert (relabelled.label, relabelled.shown, relabelled.position) == ("First day", False, 1)
    with pytest.raises(InvalidArgument):
        await fields.save_field(OWNER, ORG, "Bad Key", "", "colour", ["x"], True)
    await fields.delete_field(OWNER, ORG, "start_date")
    assert [f.key for f in await fields.list_fields(OWNER, ORG)] == ["department", "badge"]
