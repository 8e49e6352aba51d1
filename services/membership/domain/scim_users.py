"""SCIM Users (RFC 7644) over membership: a User is a member plus the attributes SCIM keeps about it. Creating
one provisions the member (domain/provisioning.py: seat, events); `active` deactivates and reactivates it and
DELETE removes it through the members' own rules (domain/members.py: seats released, last Owner kept); every
change bumps the member's version, which is the User's ETag. Deactivations and removals pass the safety hold
(domain/scim_holds.py) first."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Protocol, cast

from services.common.errors import Aborted, AlreadyExists, FieldViolation, InvalidArgument, NotFound
from services.common.ids import new_id
from services.common.people import clean_display_name, is_printable, normalise_email
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.events import MemberChanged
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member
from services.membership.domain.ports import Clock
from services.membership.domain.provisioning import (
    PROVISIONING_ACTORS,
    ProvisioningTransaction,
    ProvisioningUseCases,
    ProvisionRequest,
    authorize_provisioning,
)
from services.membership.domain.replays import Replay
from services.membership.domain.scim_dry_run import DryRun, DryRunKind, ScimSettingsTransaction
from services.membership.domain.scim_dry_run_answers import describe_user_change, would_be_created, would_be_user
from services.membership.domain.scim_filter import InvalidFilter, parse_filter
from services.membership.domain.scim_holds import WINDOW as HOLD_WINDOW
from services.membership.domain.scim_holds import HeldAction, ScimHolds, ScimHoldTransaction
from services.membership.domain.scim_model import (
    MAX_EMAILS,
    MAX_SCIM_TEXT,
    ScimAttributes,
    ScimUser,
    ScimUserFields,
    ScimUserPage,
    ScimUserQuery,
    attributes_of_member,
)
from services.membership.domain.scim_patch import PatchOperation, apply_patch

MAX_USER_NAME = 320
MAX_PAGE = 1000


class ScimTransaction(ProvisioningTransaction, ScimHoldTransaction, ScimSettingsTransaction, Protocol):
    """Membership's transaction with the SCIM users' queries (store/scim_users.py)."""

    async def scim_attributes(self, member_ids: Sequence[str]) -> dict[str, ScimAttributes]: ...
    async def save_scim_attributes(self, member: Member, attributes: ScimAttributes) -> None: ...
    async def set_member_email(self, member: Member, email: str) -> None: ...
    async def has_scim_user_name(self, organization_id: str, user_name: str) -> str | None: ...
    async def list_scim_members(self, query: ScimUserQuery) -> tuple[list[Member], int]: ...
    async def group_refs(self, member_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]: ...


class ScimStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[ScimTransaction]: ...
    def read(self) -> AbstractAsyncContextManager[ScimTransaction]: ...


class InvalidScimFilter(InvalidArgument):
    """SCIM's 400 invalidFilter."""

    def __init__(self, message: str):
        super().__init__(message, [FieldViolation("filter", message)], reason="INVALID_FILTER")


def authorize_reading(principal: Principal, organization_id: str) -> None:
    principal.require_organization(organization_id)
    if principal.actor_type not in PROVISIONING_ACTORS:
        principal.authorize(roles.MEMBERS_READ, organization_id)


def _checked(fields: ScimUserFields, creating: bool = False) -> tuple[ScimUserFields, str]:
    """The fields cleaned, and the member's email: the primary email, else the first work one, else the first,
    else the userName. A new member without a displayName is named after its name; later, a displayName the
    identity provider removes stays removed (RFC 7644 §3.5.2.2)."""
    problems: list[FieldViolation] = []
    attributes = fields.attributes
    user_name = attributes.user_name.strip()
    if not user_name or len(user_name) > MAX_USER_NAME or not is_printable(user_name):
        problems.append(FieldViolation("userName", f"1 to {MAX_USER_NAME} printable characters"))
    texts = {
        "name.givenName": attributes.given_name,
        "name.familyName": attributes.family_name,
        "title": attributes.title,
        "employeeNumber": attributes.employee_number,
        "department": attributes.department,
        "costCenter": attributes.cost_center,
        "organization": attributes.organization,
        "division": attributes.division,
        "manager": attributes.manager_id,
        "externalId": fields.external_id,
    }
    for name, text in texts.items():
        if len(text) > MAX_SCIM_TEXT + (55 if name in ("manager", "externalId") else 0) or not is_printable(text):
            problems.append(FieldViolation(name, "too long or not printable"))
    if len(attributes.emails) > MAX_EMAILS:
        problems.append(FieldViolation("emails", f"at most {MAX_EMAILS}"))
    if problems:
        raise InvalidArgument("The user is not valid.", problems, reason="INVALID_VALUE")
    emails = tuple(replace(e, value=e.value.strip()) for e in attributes.emails if e.value.strip())
    chosen = (
        next((e.value for e in emails if e.primary), None)
        or next((e.value for e in emails if e.type.lower() == "work"), None)
        or (emails[0].value if emails else user_name)
    )
    email = normalise_email(chosen, "emails" if emails else "userName")
    display_name = fields.display_name.strip()
    if creating and not display_name:
        parts = (attributes.given_name.strip(), attributes.family_name.strip())
        display_name = " ".join(part for part in parts if part)
    cleaned = replace(
        fields,
        attributes=replace(attributes, user_name=user_name, emails=emails),
        display_name=clean_display_name(display_name[:200]),
        external_id=fields.external_id.strip(),
    )
    return cleaned, email


class ScimUserUseCases:
    def __init__(self, store: ScimStore, clock: Clock, provisioning: ProvisioningUseCases, members: MemberUseCases):
        self._store = store
        self._clock = clock
        self._provisioning = provisioning
        self._members = members
        self._holds = ScimHolds(store, clock, members)
        self._dry_run = DryRun(store, clock)

    async def create(
        self, principal: Principal, organization_id: str, fields: ScimUserFields, idempotency_key: str = ""
    ) -> ScimUser:
        """A new User; AlreadyExists (USER_NAME_TAKEN) when a SCIM user has that userName. A member the
        portal invited with that email becomes the User (linked, not duplicated)."""
        authorize_provisioning(principal, organization_id)
        checked, email = _checked(fields, creating=True)
        replay = Replay(organization_id, "ScimCreateUser", idempotency_key)
        async with self._store.read() as tx:
            answer = await replay.answer(tx)
            if answer is None and await tx.has_scim_user_name(organization_id, checked.attributes.user_name):
                raise AlreadyExists(
                    f"A user with userName {checked.attributes.user_name!r} exists.", reason="USER_NAME_TAKEN"
                )
        if answer is not None:
            return await self.get(principal, organization_id, str(answer["member_id"]))
        user_name = checked.attributes.user_name
        # The id a dry run gave this userName: the IdP may have stored it.
        dry_run, dry_run_id = await self._dry_run.before_create(organization_id, DryRunKind.CREATE_USER, user_name)
        if dry_run:
            user_id = dry_run_id or new_id()
            await self._dry_run.record(
                principal, organization_id, DryRunKind.CREATE_USER, user_id, user_name, f"create {email}"
            )
            return would_be_created(user_id, organization_id, checked, email, self._clock.now())

        async def keep_attributes(tx: ProvisioningTransaction, member: Member) -> None:
            scim_tx = cast(ScimTransaction, tx)
            if await scim_tx.scim_attributes([member.id]):
                raise AlreadyExists(
                    f"A user with userName {checked.attributes.user_name!r} exists.", reason="USER_NAME_TAKEN"
                )
            await scim_tx.save_scim_attributes(member, checked.attributes)

        provisioned = await self._provisioning.provision_member(
            principal,
            ProvisionRequest(
                organization_id=organization_id,
                email=email,
                display_name=checked.display_name,
                external_id=checked.external_id,
                idempotency_key=idempotency_key,
                member_id=dry_run_id or "",
            ),
            keep_attributes,
        )
        member = provisioned.member
        if not checked.active:
            member = await self._members.deactivate(principal, organization_id, member.id)
        async with self._store.write() as tx:
            await replay.keep(tx, {"member_id": member.id})
        return await self.get(principal, organization_id, member.id)

    async def get(self, principal: Principal, organization_id: str, user_id: str) -> ScimUser:
        authorize_reading(principal, organization_id)
        async with self._store.read() as tx:
            member = await tx.get_member(organization_id, user_id[:36])
            if member is None:
                raise NotFound(f"No user {user_id!r}.")
            return (await self._users(tx, [member]))[0]

    async def list_users(
        self,
        principal: Principal,
        organization_id: str,
        filter_text: str = "",
        start_index: int = 1,
        count: int = 100,
        sort_by: str = "",
        descending: bool = False,
    ) -> ScimUserPage:
        authorize_reading(principal, organization_id)
        try:
            tree = parse_filter(filter_text) if filter_text.strip() else None
            query = ScimUserQuery(
                organization_id, tree, max(start_index, 1), min(max(count, 0), MAX_PAGE), sort_by, descending
            )
            async with self._store.read() as tx:
                found, total = await tx.list_scim_members(query)
                users = await self._users(tx, found) if query.count else []
        except InvalidFilter as exc:
            raise InvalidScimFilter(str(exc)) from exc
        return ScimUserPage(users, total)

    async def replace(
        self,
        principal: Principal,
        organization_id: str,
        user_id: str,
        fields: ScimUserFields,
        expected_version: int = 0,
    ) -> ScimUser:
        authorize_provisioning(principal, organization_id)
        current = await self._current(principal, organization_id, user_id)
        return await self._write(principal, current, fields, expected_version, DryRunKind.REPLACE_USER)

    async def patch(
        self,
        principal: Principal,
        organization_id: str,
        user_id: str,
        operations: list[PatchOperation],
        expected_version: int = 0,
    ) -> ScimUser:
        authorize_provisioning(principal, organization_id)
        current = await self._current(principal, organization_id, user_id)
        fields = apply_patch(current.fields(), operations)
        return await self._write(principal, current, fields, expected_version, DryRunKind.PATCH_USER)

    async def delete(self, principal: Principal, organization_id: str, user_id: str, expected_version: int = 0) -> None:
        authorize_provisioning(principal, organization_id)
        current = await self._current(principal, organization_id, user_id)
        if expected_version and expected_version != current.member.version:
            raise Aborted("The user changed since it was read.", reason="ETAG_MISMATCH")
        if await self._dry_run.active(organization_id):
            await self._record_dry_run_deprovision(
                principal, current, DryRunKind.DELETE_USER, f"remove {current.member.email}"
            )
            return
        await self._holds.deprovision(principal, organization_id, current.member.id, HeldAction.REMOVE)

    async def _record_dry_run_deprovision(
        self, principal: Principal, current: ScimUser, kind: DryRunKind, summary: str
    ) -> None:
        """A deactivation or removal in dry-run mode, counted as the safety hold would count it live: the record says
        when a live run would have been held there, so an Owner sees it before turning dry-run off."""
        organization_id = current.member.organization_id
        earlier = await self._dry_run.deprovisions_since(organization_id, self._clock.now() - HOLD_WINDOW)
        verdict = await self._holds.dry_run_verdict(organization_id, earlier)
        if verdict is not None:
            counted, limit = verdict
            summary += (
                f"; live, the safety hold would hold this ({counted} deactivations or removals within an hour, "
                f"limit {limit})"
            )
        await self._dry_run.record(
            principal, organization_id, kind, current.member.id, current.attributes.user_name, summary, True
        )

    async def _current(self, principal: Principal, organization_id: str, user_id: str) -> ScimUser:
        """The user a write changes; in dry-run mode also one a dry-run create made (never written)."""
        try:
            return await self.get(principal, organization_id, user_id)
        except NotFound:
            user_name = await self._dry_run.created_target(organization_id, DryRunKind.CREATE_USER, user_id)
            if user_name is None:
                raise
        fields = ScimUserFields(ScimAttributes(user_name=user_name))
        checked, email = _checked(fields)
        return would_be_created(user_id[:36], organization_id, checked, email, self._clock.now())

    async def _write(
        self,
        principal: Principal,
        current: ScimUser,
        fields: ScimUserFields,
        expected_version: int,
        kind: DryRunKind,
    ) -> ScimUser:
        organization_id = current.member.organization_id
        if expected_version and expected_version != current.member.version:
            raise Aborted("The user changed since it was read.", reason="ETAG_MISMATCH")
        checked, email = _checked(fields)
        if await self._dry_run.active(organization_id):
            summary = describe_user_change(current, checked, email)
            if current.active and not checked.active:
                await self._record_dry_run_deprovision(principal, current, kind, summary)
            else:
                await self._dry_run.record(
                    principal, organization_id, kind, current.member.id, checked.attributes.user_name, summary
                )
            return would_be_user(current, checked, email)
        deactivating = current.active and not checked.active
        if deactivating:
            # Before anything is written: a held deactivation leaves the user as it was.
            await self._holds.admit(principal, organization_id, current.member.id, HeldAction.DEACTIVATE)
        now = self._clock.now()
        async with self._store.write() as tx:
            member = await tx.get_member(organization_id, current.member.id)
            if member is None:
                raise NotFound(f"No user {current.member.id!r}.")
            if member.version != current.member.version:
                raise Aborted("The user changed concurrently; retry.", reason="CONCURRENT_CHANGE")
            held = (await tx.scim_attributes([member.id])).get(member.id)
            changed = replace(
                member,
                display_name=checked.display_name,  # the identity provider owns it: a removal clears it
                external_id=checked.external_id or None,
                email=email,
            )
            if changed != member or held != checked.attributes:
                changed = replace(changed, version=member.version + 1, updated_at=now)
                if not await tx.update_member(changed, expected_version=member.version):
                    raise Aborted("The user changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                if changed.external_id != member.external_id:
                    await tx.set_member_external_id(changed, changed.external_id)
                if changed.email != member.email:
                    await tx.set_member_email(changed, changed.email)
                await tx.save_scim_attributes(changed, checked.attributes)
                await tx.record_events(MemberChanged(principal, now, changed, "provision", member))
        if checked.active and not current.active:
            await self._members.reactivate(principal, organization_id, current.member.id)
        elif deactivating:
            await self._members.deactivate(principal, organization_id, current.member.id)
        return await self.get(principal, organization_id, current.member.id)

    async def _users(self, tx: ScimTransaction, found: list[Member]) -> list[ScimUser]:
        ids = [m.id for m in found]
        attributes = await tx.scim_attributes(ids)
        groups = await tx.group_refs(ids)
        return [
            ScimUser(m, attributes.get(m.id) or attributes_of_member(m), tuple(groups.get(m.id, []))) for m in found
        ]
