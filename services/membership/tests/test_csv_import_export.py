"""CSV import (dry run, then commit) and export, on SQLite and PostgreSQL: per-row reports, limits, each valid
row invited once with its groups, and exported cells that a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.clock import FrozenClock
from services.common.errors import InvalidArgument
from services.common.spreadsheet import FORMULA_PREFIXES, neutralise
from services.membership.domain.exports import ExportUseCases
from services.membership.domain.groups import GroupFields, GroupUseCases
from services.membership.domain.imports import MAX_IMPORT_ROWS, ImportUseCases, parse_import
from services.membership.domain.invitations import InvitationUseCases
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = user_with_role("acc-o", "owner", ORG)
USER_ADMIN = user_with_role("acc-u", "user_admin", ORG)
FILE = (
    "\ufeffEmail,Name,Role,Groups\n"
    "ann@acme.test,Ann,member,Design\n"
    "not-an-email,Bad,member,\n"
    "bob@acme.test,Bob,wizard,\n"
    "cara@acme.test,Cara,member,Nowhere\n"
    "ANN@acme.test,Ann again,member,\n"
    "owner@acme.test,Olivia,member,\n"
    "dan@acme.test,Dan,owner,\n"
    "\n"
    "eve@acme.test,Eve,,Design;Ops\n"
).encode()


@pytest.fixture
async def imports(database_url: str) -> AsyncIterator[tuple[ImportUseCases, ExportUseCases]]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, _):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            await tx.insert_member(
                Member(
                    "m-o", ORG, "acc-o", "owner@acme.test", '=HYPERLINK("x")', "owner", MemberStatus.ACTIVE, NOW, NOW
                )
            )
        invitations = InvitationUseCases(store, clock)
        groups = GroupUseCases(store, clock)
        await groups.create_group(OWNER, ORG, GroupFields(name="Design"))
        await groups.create_group(OWNER, ORG, GroupFields(name="Ops"))
        yield ImportUseCases(invitations, store), ExportUseCases(store)


def report(rows: list) -> dict[int, str]:  # type: ignore[type-arg]
    return {r.row: r.error_reason for r in rows}


EXPECTED = {
    2: "",
    3: "INVALID_EMAIL",
    4: "UNKNOWN_ROLE",
    5: "UNKNOWN_GROUP",
    6: "DUPLICATE_ROW",
    7: "ALREADY_MEMBER",
    8: "CANNOT_GRANT_PERMISSION",
    10: "",
}


async def test_a_dry_run_reports_every_row_and_invites_nobody(imports) -> None:  # type: ignore[no-untyped-def]
    use_cases, _ = imports
    rows = await use_cases.import_invitations(USER_ADMIN, ORG, FILE, dry_run=True)
    assert report(rows) == EXPECTED
    again = await use_cases.import_invitations(USER_ADMIN, ORG, FILE, dry_run=True)
    assert report(again) == EXPECTED  # nothing was written


async def test_a_commit_invites_the_valid_rows_into_their_groups_once(imports) -> None:  # type: ignore[no-untyped-def]
    use_cases, exports = imports
    rows = await use_cases.import_invitations(USER_ADMIN, ORG, FILE, dry_run=False, idempotency_key="import-1")
    assert report(rows) == EXPECTED
    invited = {r.email: r.member for r in rows if r.member}
    assert set(invited) == {"ann@acme.test", "eve@acme.test"}
    replay = await use_cases.import_invitations(USER_ADMIN, ORG, FILE, dry_run=False, idempotency_key="import-1")
    assert report(replay) == EXPECTED
    exported = json.loads((await exports.export(OWNER, ORG, "json")).content)
    by_email = {m["email"]: m for m in exported["members"]}
    assert sorted(by_email["eve@acme.test"]["groups"]) == ["Design", "Ops"]
    assert by_email["ann@acme.test"]["groups"] == ["Design"]


async def test_the_csv_export_neutralises_formulas(imports) -> None:  # type: ignore[no-untyped-def]
    _, exports = imports
    export = await exports.export(OWNER, ORG, "csv")
    assert export.content_type.startswith("text/csv")
    cells = list(csv.reader(io.StringIO(export.content.decode())))
    assert cells[0][:3] == ["email", "name", "role"]
    assert cells[1][1] == '\'=HYPERLINK("x")'
    groups = list(csv.DictReader(io.StringIO((await exports.export(OWNER, ORG, "groups_csv")).content.decode())))
    assert [(g["name"], g["members"]) for g in groups] == [("Design", "owner@acme.test"), ("Ops", "owner@acme.test")]


def test_files_over_the_limits_are_refused_whole() -> None:
    with pytest.raises(InvalidArgument):
        parse_import(b"email\n" + b"a@b.test\n" * (MAX_IMPORT_ROWS + 1))
    with pytest.raises(InvalidArgument):
        parse_import(b"email\n" + b"x" * (1024 * 1024))
    with pytest.raises(InvalidArgument):
        parse_import(b"mail,role\nann@acme.test,member\n")
    with pytest.raises(InvalidArgument):
        parse_import("email\nann@acme.test\n".encode("utf-16"))


@given(st.text(max_size=40))
def test_no_neutralised_cell_starts_like_a_formula(cell: str) -> None:
    safe = neutralise(cell)
    assert not safe.startswith(FORMULA_PREFIXES)
    assert safe.endswith(cell)
