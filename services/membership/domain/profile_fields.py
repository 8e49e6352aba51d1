"""Profile fields an organization defines for its members (text, choice, date), and the rules of their values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.common.errors import Aborted, FailedPrecondition, NotFound, PermissionDenied, Violations
from services.common.people import clean_display_name, is_printable
from services.common.principal import Principal
from services.membership.domain import roles, rules
from services.membership.domain.events import MemberChanged, MemberProfileChanged, ProfileFieldChanged
from services.membership.domain.model import FieldType, Member, ProfileField
from services.membership.domain.ports import Clock, MembershipStore, MembershipTransaction
from services.membership.domain.text import KEY_PATTERN, KEY_RULE, printable

MAX_FIELDS = 50
MAX_CHOICES = 100
MAX_LABEL = 100
MAX_TEXT_VALUE = 500


def checked_field(key: str, label: str, type_name: str, choices: list[str], shown: bool) -> ProfileField:
    """A valid field definition; InvalidArgument listing every problem otherwise."""
    problems = Violations()
    if not KEY_PATTERN.match(key):
        problems.add("key", KEY_RULE)
    label = printable(label, "label", MAX_LABEL, problems, required=True)
    if type_name not in {t.value for t in FieldType}:
        problems.add("type", f"one of {[t.value for t in FieldType]}")
    cleaned = tuple(dict.fromkeys(c.strip() for c in choices if c.strip()))
    if len(choices) > MAX_CHOICES:
        problems.add("choices", f"at most {MAX_CHOICES} entries")
    elif type_name == FieldType.CHOICE and not 1 <= len(cleaned) <= MAX_CHOICES:
        problems.add("choices", f"1 to {MAX_CHOICES} distinct choices")
    if type_name != FieldType.CHOICE and cleaned:
        problems.add("choices", "only choice fields have choices")
    if any(len(c) > MAX_LABEL for c in cleaned):
        problems.add("choices", f"each at most {MAX_LABEL} characters")
    problems.raise_if_any("The profile field is not valid.")
    return ProfileField(key, label, FieldType(type_name), cleaned, shown)


def checked_values(fields: dict[str, ProfileField], values: dict[str, str]) -> dict[str, str]:
    """Values normalised for their fields ("" clears one); InvalidArgument listing every bad value."""
    problems = Violations()
    if len(values) > MAX_FIELDS:
        problems.add("values", f"at most {MAX_FIELDS} entries, one per profile field")
        problems.raise_if_any("Some profile values are not valid.")
    checked = {}
    for key, raw in values.items():
        field = fields.get(key)
        value = raw.strip()
        if field is None:
            problems.add(f"values[{key[:40]}]", "no such profile field")
        elif not value:
            checked[key] = ""
        elif field.type is FieldType.TEXT and (len(value) > MAX_TEXT_VALUE or not is_printable(value)):
            problems.add(f"values[{key}]", f"at most {MAX_TEXT_VALUE} printable characters")
        elif field.type is FieldType.CHOICE and value not in field.choices:
            problems.add(f"values[{key}]", f"one of {list(field.choices)}")
        elif field.type is FieldType.DATE and not _is_date(value):
            problems.add(f"values[{key}]", "a date, YYYY-MM-DD")
        else:
            checked[key] = value
    problems.raise_if_any("Some profile values are not valid.")
    return checked


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


async def own_member_id(tx: MembershipTransaction, principal: Principal, organization_id: str) -> str:
    """The caller's own membership in the organization ("" when they have none: the lookup then finds nothing)."""
    own = await tx.find_member_by_account(organization_id, principal.account_id or "")
    return own.id if own is not None else ""


async def member_to_edit(
    tx: MembershipTransaction, principal: Principal, organization_id: str, member_id: str
) -> Member:
    """The member whose profile the principal edits: their own, or one an admin (members.invite) may touch."""
    member = await tx.get_member(organization_id, member_id)
    if member is None:
        raise NotFound("No such member.")
    is_self = bool(principal.account_id) and principal.account_id == member.account_id
    if not is_self and not principal.has(roles.MEMBERS_INVITE):
        raise PermissionDenied("Only admins change another member's profile.", reason="MISSING_PERMISSION")
    if not is_self:
        rules.check_may_touch(principal, member)
    return member


class ProfileFieldUseCases:
    def __init__(self, store: MembershipStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def save_field(
        self,
        principal: Principal,
        organization_id: str,
        key: str,
        label: str,
        type_name: str,
        choices: list[str],
        shown: bool,
    ) -> ProfileField:
        principal.authorize(roles.ORG_MANAGE, organization_id)
        field = checked_field(key, label, type_name, choices, shown)
        now = self._clock.now()
        async with self._store.write() as tx:
            if not await tx.lock_organization(organization_id):
                raise NotFound("No such organization.")
            existing = {f.key: f for f in await tx.profile_fields(organization_id)}
            before = existing.get(field.key)
            if before is None and len(existing) >= MAX_FIELDS:
                raise FailedPrecondition(
                    f"An organization has at most {MAX_FIELDS} profile fields.", reason="TOO_MANY_FIELDS"
                )
            if (
                before is not None
                and before.type is not field.type
                and await tx.profile_field_in_use(organization_id, key)
            ):
                raise FailedPrecondition(
                    "Members have values for this field; its type cannot change.", reason="FIELD_IN_USE"
                )
            position = before.position if before else len(existing)
            saved = ProfileField(field.key, field.label, field.type, field.choices, field.shown, position)
            await tx.save_profile_field(organization_id, saved, now)
            await tx.record_events(ProfileFieldChanged(principal, now, organization_id, saved, "saved", before))
            return saved

    async def list_fields(self, principal: Principal, organization_id: str) -> list[ProfileField]:
        principal.authorize(roles.MEMBERS_READ, organization_id)
        async with self._store.read() as tx:
            return await tx.profile_fields(organization_id)

    async def delete_field(self, principal: Principal, organization_id: str, key: str) -> None:
        principal.authorize(roles.ORG_MANAGE, organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            field = next((f for f in await tx.profile_fields(organization_id) if f.key == key), None)
            if field is None:
                raise NotFound("No such profile field.")
            await tx.delete_profile_field(organization_id, key)
            await tx.record_events(ProfileFieldChanged(principal, now, organization_id, field, "deleted"))

    async def rename(self, principal: Principal, organization_id: str, member_id: str, display_name: str) -> Member:
        """The member under a new name: a person changes their own (Talkatoo; `member_id` empty names the caller's
        membership), an admin anyone's they may touch. An identity provider that provisions the member may set it
        again at its next sync."""
        principal.require_organization(organization_id)
        name = clean_display_name(display_name, "display_name", required=True)
        now = self._clock.now()
        async with self._store.write() as tx:
            member_id = member_id or await own_member_id(tx, principal, organization_id)
            member = await member_to_edit(tx, principal, organization_id, member_id)
            if member.display_name == name:
                return member
            renamed = replace(member, display_name=name, version=member.version + 1, updated_at=now)
            if not await tx.update_member(renamed, expected_version=member.version):
                raise Aborted("The member changed concurrently; retry.", reason="CONCURRENT_CHANGE")
            await tx.record_events(MemberChanged(principal, now, renamed, "rename", member))
            return renamed

    async def set_member_profile(
        self, principal: Principal, organization_id: str, member_id: str, values: dict[str, str]
    ) -> Member:
        principal.require_organization(organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            member = await member_to_edit(tx, principal, organization_id, member_id)
            fields = {f.key: f for f in await tx.profile_fields(organization_id)}
            checked = checked_values(fields, values)
            current = await tx.member_profiles(organization_id, [member.id])
            before = current.get(member.id, {})
            changed = {k: v for k, v in checked.items() if before.get(k, "") != v}
            if changed:
                await tx.set_member_profile(organization_id, member.id, changed)
                await tx.record_events(
                    MemberProfileChanged(principal, now, member, {k: before.get(k, "") for k in changed}, changed)
                )
            shown = {k for k, f in fields.items() if f.shown}
            after = {k: v for k, v in {**before, **changed}.items() if v and k in shown}
            return replace(member, profile=after)
