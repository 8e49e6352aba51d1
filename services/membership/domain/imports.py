"""CSV import of invitations: a dry run reports each row, a commit invites the valid ones."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

from services.common.errors import (
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.custom_roles import role_catalog
from services.membership.domain.invitations import InvitationUseCases, Invitee, check_invitee
from services.membership.domain.model import InviteOutcome, Member
from services.membership.domain.ports import MembershipStore, SeatReservations
from services.membership.domain.replays import Replay, outcome_from_json, outcome_to_json
from services.membership.domain.rules import check_invitation_domain

MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 1000
COLUMNS = ("email", "name", "role", "groups")


@dataclass(frozen=True)
class ImportRow:
    row: int
    email: str
    name: str
    role: str
    group_names: tuple[str, ...]


@dataclass(frozen=True)
class ImportRowResult:
    row: int
    email: str
    error_reason: str = ""
    error_message: str = ""
    member: Member | None = None
    # Failed for a passing reason (see InviteOutcome): the same request tries the row again.
    retryable: bool = False


def parse_import(data: bytes) -> list[ImportRow]:
    """The data rows of an import file; InvalidArgument when the file itself is unusable."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidArgument(
            f"The file is over {MAX_IMPORT_BYTES // 1024} KiB.", [FieldViolation("csv", "at most 1 MiB")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidArgument("The file is not UTF-8 text.", [FieldViolation("csv", "UTF-8")]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in next(reader, [])]
    if "email" not in header or set(header) - set(COLUMNS):
        raise InvalidArgument(
            "The first row must name the columns: email, and optionally name, role, groups.",
            [FieldViolation("csv", f"header with email and any of {list(COLUMNS[1:])}")],
        )
    rows: list[ImportRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_IMPORT_ROWS:
            raise InvalidArgument(
                f"The file has more than {MAX_IMPORT_ROWS} rows; split it.",
                [FieldViolation("csv", f"at most {MAX_IMPORT_ROWS} rows")],
            )
        values = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        groups = tuple(name.strip() for name in values.get("groups", "").split(";") if name.strip())
        rows.append(
            ImportRow(number, values.get("email", ""), values.get("name", ""), values.get("role", "").lower(), groups)
        )
    return rows


class ImportUseCases:
    def __init__(self, invitations: InvitationUseCases, store: MembershipStore, seats: SeatReservations | None = None):
        self._invitations = invitations
        self._store = store
        self._seats = seats

    async def import_invitations(
        self, principal: Principal, organization_id: str, data: bytes, dry_run: bool, idempotency_key: str = ""
    ) -> list[ImportRowResult]:
        principal.authorize(roles.MEMBERS_INVITE, organization_id)
        rows = parse_import(data)
        # A dry run changes nothing: there is nothing to replay.
        replay = Replay(organization_id, "ImportInvitations", "" if dry_run else idempotency_key)
        async with self._store.read() as tx:
            if await tx.get_organization(organization_id) is None:
                raise NotFound("No such organization.")
            answer = await replay.answer(tx)
            if answer is not None:
                return [_row_result(item["row"], outcome_from_json(item)) for item in answer["rows"]]
            allowed_domains = await tx.get_allowed_invitation_domains(organization_id)
            catalog = await role_catalog(tx, organization_id)
            group_by_name = {}
            for name in {n.lower() for row in rows for n in row.group_names}:
                group_by_name[name] = await tx.find_group_by_name(organization_id, name)
        free_seats = await self._seats.available(organization_id) if dry_run and self._seats else None
        results: list[ImportRowResult] = []
        seen: set[str] = set()
        seats_wanted = 0
        for row in rows:
            try:
                email, role, name = check_invitee(
                    principal, Invitee(row.email, row.role or roles.MEMBER, row.name), catalog
                )
                check_invitation_domain(email, allowed_domains)
            except (InvalidArgument, PermissionDenied) as exc:
                results.append(_row_error(row, _row_reason(exc), exc.message))
                continue
            unknown = [n for n in row.group_names if group_by_name.get(n.lower()) is None]
            if unknown:
                results.append(_row_error(row, "UNKNOWN_GROUP", f"No group named {', '.join(unknown)}."))
                continue
            if email in seen:
                results.append(_row_error(row, "DUPLICATE_ROW", f"{email} is in the file more than once."))
                continue
            seen.add(email)
            groups = [g for n in row.group_names if (g := group_by_name.get(n.lower())) is not None]
            try:
                chosen = await self._invitations.invitation_groups(principal, organization_id, [g.id for g in groups])
            except (InvalidArgument, PermissionDenied, NotFound) as exc:
                results.append(_row_error(row, exc.reason, exc.message))
                continue
            if dry_run:
                uses_seat = roles.is_seat_consuming(catalog.permissions_of(role) or frozenset())
                result = await self._dry_run_row(row, organization_id, email, uses_seat, free_seats, seats_wanted)
                seats_wanted += 1 if uses_seat and not result.error_reason else 0
                results.append(result)
                continue
            outcome = await self._invitations.invite_one(
                principal, organization_id, email, role, name, idempotency_key, chosen
            )
            results.append(_row_result(row.row, replace(outcome, email=row.email)))
        if replay.idempotency_key and not any(r.retryable for r in results):
            async with self._store.write() as tx:
                await replay.keep(tx, {"rows": [{"row": r.row, **outcome_to_json(_outcome_of(r))} for r in results]})
        return results

    async def _dry_run_row(
        self,
        row: ImportRow,
        organization_id: str,
        email: str,
        uses_seat: bool,
        free_seats: int | None,
        seats_wanted: int,
    ) -> ImportRowResult:
        """What committing this row would do, as far as can be told without doing it."""
        async with self._store.read() as tx:
            if await tx.find_member_by_email(organization_id, email) is not None:
                return _row_error(row, "ALREADY_MEMBER", f"{email} is already invited or a member.")
        if uses_seat and free_seats is not None and seats_wanted >= free_seats:
            return _row_error(row, "NO_SEATS_AVAILABLE", f"Only {free_seats} seats are free for the rows above it.")
        return ImportRowResult(row.row, row.email)


def _row_reason(error: InvalidArgument | PermissionDenied) -> str:
    if isinstance(error, InvalidArgument) and any(v.field == "email" for v in error.violations):
        return "INVALID_EMAIL" if error.reason == "INVALID_ARGUMENT" else error.reason
    return error.reason


def _row_error(row: ImportRow, reason: str, message: str) -> ImportRowResult:
    return ImportRowResult(row.row, row.email, reason, message)


def _row_result(row: int, outcome: InviteOutcome) -> ImportRowResult:
    return ImportRowResult(
        row, outcome.email, outcome.error_reason, outcome.error_message, outcome.member, outcome.retryable
    )


def _outcome_of(result: ImportRowResult) -> InviteOutcome:
    return InviteOutcome(result.email, result.member, result.error_reason, result.error_message, result.retryable)
