"""SCIM Users on SQLite and PostgreSQL: filters of the full grammar answered in SQL, userName without regard to
case, PATCH as real identity providers send it, ETags, deactivation and removal through the members' rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from services.common.clock import FrozenClock
from services.common.errors import Aborted, AlreadyExists, InvalidArgument, NotFound
from services.common.principal import ACTOR_SCIM, Principal
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import MemberStatus, Organization
from services.membership.domain.provisioning import ProvisioningUseCases
from services.membership.domain.scim_model import ScimAttributes, ScimEmail, ScimUserFields
from services.membership.domain.scim_patch import PatchOperation, attributes_from_json
from services.membership.domain.scim_users import InvalidScimFilter, ScimUserUseCases
from services.membership.tests.support import membership_store

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SCIM = Principal(
    actor_type=ACTOR_SCIM,
    actor_id="scim-1",
    organization_id=ORG,
    permissions=frozenset({"members.read", "members.invite", "members.remove", "members.manage_roles"}),
)


@dataclass
class Scim:
    users: ScimUserUseCases

    async def create(self, document: dict[str, object]) -> str:
        return (await self.users.create(SCIM, ORG, attributes_from_json(document))).member.id

    async def user_names(self, filter_text: str, **options: object) -> list[str]:
        page = await self.users.list_users(SCIM, ORG, filter_text, **options)  # type: ignore[arg-type]
        return [user.attributes.user_name for user in page.users]


@pytest.fixture
async def scim(database_url: str) -> AsyncIterator[Scim]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, _):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
        members = MemberUseCases(store, clock)
        yield Scim(ScimUserUseCases(store, clock, ProvisioningUseCases(store, clock), members))


def _user(user_name: str, **extra: object) -> dict[str, object]:
    return {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name, **extra}


async def test_filters_of_the_full_grammar_select_users_in_sql(scim: Scim) -> None:
    await scim.create(
        _user(
            "Ana.Silva@acme.test",
            name={"givenName": "Ana", "familyName": "Silva"},
            emails=[{"value": "ana@acme.test", "type": "work", "primary": True}],
            title="Engineer",
            externalId="e-ana",
            **{ENTERPRISE: {"department": "R&D", "employeeNumber": "100"}},
        )
    )
    await scim.create(
        _user(
            "bo@acme.test",
            name={"givenName": "Bo", "familyName": "Berg"},
            emails=[{"value": "bo@home.test", "type": "home"}, {"value": "bo@acme.test", "type": "work"}],
            title="Designer",
            **{ENTERPRISE: {"department": "Design"}},
        )
    )
    await scim.create(_user("cy@acme.test", active=False))

    assert await scim.user_names('userName eq "ANA.SILVA@ACME.TEST"') == ["Ana.Silva@acme.test"]
    assert await scim.user_names('userName eq "nobody@acme.test"') == []
    assert await scim.user_names('userName sw "b" or title co "gine"') == ["Ana.Silva@acme.test", "bo@acme.test"]
    assert await scim.user_names('emails[type eq "work" and value ew "@acme.test"]') == [
        "Ana.Silva@acme.test",
        "bo@acme.test",
    ]
    assert await scim.user_names('emails.value eq "bo@home.test"') == ["bo@acme.test"]
    assert await scim.user_names(f'{ENTERPRISE}:department eq "r&d"') == ["Ana.Silva@acme.test"]
    assert await scim.user_names("not (active eq true)") == ["cy@acme.test"]
    assert await scim.user_names('active eq true and (name.familyName eq "berg" or externalId eq "e-ana")') == [
        "Ana.Silva@acme.test",
        "bo@acme.test",
    ]
    assert await scim.user_names("title pr", sort_by="title", descending=True) == [
        "Ana.Silva@acme.test",
        "bo@acme.test",
    ]
    assert await scim.user_names("", sort_by="userName", start_index=2, count=1) == ["bo@acme.test"]
    page = await scim.users.list_users(SCIM, ORG, "userName pr", count=1)
    assert page.total_results == 3 and len(page.users) == 1

    for broken in ("userName eq", 'userName xx "a"', "(userName pr", 'nickName eq "x"', 'userName eq "a" and'):
        with pytest.raises(InvalidScimFilter):
            await scim.user_names(broken)


async def test_a_second_user_with_the_same_user_name_in_another_case_is_refused(scim: Scim) -> None:
    await scim.create(_user("dee@acme.test"))
    with pytest.raises(AlreadyExists) as refused:
        await scim.create(_user("DEE@acme.test"))
    assert refused.value.reason == "USER_NAME_TAKEN"
    assert len((await scim.users.list_users(SCIM, ORG)).users) == 1


async def test_patch_as_entra_and_okta_send_it(scim: Scim) -> None:
    user_id = await scim.create(_user("eve@acme.test", emails=[{"value": "eve@acme.test", "type": "work"}]))
    patched = await scim.users.patch(
        SCIM,
        ORG,
        user_id,
        [
            PatchOperation("Replace", "displayName", "Eve Adams"),
            PatchOperation("Add", 'emails[type eq "work"].value', "eve.adams@acme.test"),
            PatchOperation("Replace", f"{ENTERPRISE}:department", "Sales"),
            PatchOperation("replace", "", {"name.givenName": "Eve", "title": "Lead"}),
        ],
    )
    assert patched.member.display_name == "Eve Adams"
    assert patched.member.email == "eve.adams@acme.test"
    assert patched.attributes.emails == (ScimEmail("eve.adams@acme.test", "work", False),)
    assert (patched.attributes.department, patched.attributes.given_name, patched.attributes.title) == (
        "Sales",
        "Eve",
        "Lead",
    )

    # Entra: "False" as a string; Okta: no path.
    deactivated = await scim.users.patch(SCIM, ORG, user_id, [PatchOperation("Replace", "active", "False")])
    assert deactivated.member.status is MemberStatus.DEACTIVATED
    reactivated = await scim.users.patch(SCIM, ORG, user_id, [PatchOperation("replace", "", {"active": True})])
    assert reactivated.member.status is MemberStatus.ACTIVE

    with pytest.raises(InvalidArgument) as unknown:
        await scim.users.patch(SCIM, ORG, user_id, [PatchOperation("replace", "nickName", "e")])
    assert unknown.value.reason == "invalidPath"


async def test_a_stale_version_is_refused_and_delete_removes_the_member(scim: Scim) -> None:
    user_id = await scim.create(_user("fay@acme.test"))
    first = await scim.users.get(SCIM, ORG, user_id)
    await scim.users.replace(
        SCIM, ORG, user_id, ScimUserFields(ScimAttributes("fay@acme.test", title="Ops")), first.member.version
    )
    with pytest.raises(Aborted):
        await scim.users.replace(
            SCIM, ORG, user_id, ScimUserFields(ScimAttributes("fay@acme.test", title="Dev")), first.member.version
        )
    await scim.users.delete(SCIM, ORG, user_id)
    with pytest.raises(NotFound):
        await scim.users.get(SCIM, ORG, user_id)
    assert await scim.user_names("") == []
