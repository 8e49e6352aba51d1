"""Custom roles: named permission sets an organization defines besides the built-in roles."""

from __future__ import annotations

from dataclasses import replace

from services.common.errors import FailedPrecondition, NotFound, PermissionDenied, Violations
from services.common.principal import PLATFORM_ADMIN, Principal
from services.membership.domain import roles
from services.membership.domain.events import CustomRoleChanged
from services.membership.domain.model import CustomRole
from services.membership.domain.ports import Clock, MembershipStore, MembershipTransaction
from services.membership.domain.text import KEY_PATTERN, KEY_RULE, printable

MAX_CUSTOM_ROLES = 50
MAX_ROLE_NAME = 100
# More entries than the catalogue has permissions can only repeat some: refused, not cut.
MAX_ROLE_PERMISSIONS = 100


async def role_catalog(tx: MembershipTransaction, organization_id: str) -> roles.RoleCatalog:
    """The organization's roles: the built-in ones and its custom roles."""
    return roles.RoleCatalog({role.key: role.permissions for role in await tx.custom_roles(organization_id)})


def checked_role(key: str, name: str, permissions: list[str]) -> tuple[str, str, frozenset[str]]:
    """A valid definition (key, name, permissions); InvalidArgument listing every problem otherwise."""
    problems = Violations()
    if not KEY_PATTERN.match(key) or key in roles.BUILT_IN_ROLES:
        problems.add("key", f"{KEY_RULE}, not a built-in role")
    name = printable(name, "name", MAX_ROLE_NAME, problems, required=True)
    unknown = sorted(set(permissions) - roles.CATALOGUE)
    if len(permissions) > MAX_ROLE_PERMISSIONS:
        problems.add("permissions", f"at most {MAX_ROLE_PERMISSIONS} entries")
    elif unknown:
        problems.add("permissions", f"unknown permissions {unknown}")
    problems.raise_if_any("The role is not valid.")
    return key, name, frozenset(permissions)


def check_may_define(principal: Principal, permissions: frozenset[str]) -> None:
    """Defining a role is granting it: nobody defines a role with a permission they do not hold."""
    # seat.use is a licence, not a power (rules.check_grantable): an Owner without a seat still defines roles with one.
    missing = permissions - principal.permissions - {roles.SEAT_USE}
    if missing and PLATFORM_ADMIN not in principal.permissions:
        raise PermissionDenied(
            f"You can put in a role only permissions you hold; missing {sorted(missing)}.",
            reason="CANNOT_GRANT_PERMISSION",
        )


class RoleUseCases:
    def __init__(self, store: MembershipStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def list_roles(self, principal: Principal, organization_id: str) -> list[CustomRole]:
        principal.authorize(roles.MEMBERS_READ, organization_id)
        async with self._store.read() as tx:
            return await tx.custom_roles(organization_id)

    async def save_role(
        self, principal: Principal, organization_id: str, key: str, name: str, permissions: list[str]
    ) -> CustomRole:
        """Create a role, or rename it or change its permissions while no member holds it (members' sessions,
        seats and projections follow member events; move members to a new role in bulk instead)."""
        principal.authorize(roles.MEMBERS_MANAGE_ROLES, organization_id)
        key, name, granted = checked_role(key, name, permissions)
        check_may_define(principal, granted)
        now = self._clock.now()
        async with self._store.write() as tx:
            if not await tx.lock_organization(organization_id):
                raise NotFound("No such organization.")
            existing = {role.key: role for role in await tx.custom_roles(organization_id)}
            before = existing.get(key)
            if before is None:
                if len(existing) >= MAX_CUSTOM_ROLES:
                    raise FailedPrecondition(
                        f"An organization has at most {MAX_CUSTOM_ROLES} custom roles.", reason="TOO_MANY_ROLES"
                    )
                saved = CustomRole(organization_id, key, name, granted, now)
            else:
                if before.permissions != granted and await tx.role_in_use(organization_id, key):
                    raise FailedPrecondition(
                        "Members hold this role; create another role and move them to it.", reason="ROLE_IN_USE"
                    )
                if before.permissions == granted and before.name == name:
                    return before
                check_may_define(principal, before.permissions)
                saved = replace(before, name=name, permissions=granted, version=before.version + 1)
            await tx.save_custom_role(saved, is_new=before is None)
            await tx.record_events(CustomRoleChanged(principal, now, saved, "saved", before))
            return saved

    async def delete_role(self, principal: Principal, organization_id: str, key: str) -> None:
        principal.authorize(roles.MEMBERS_MANAGE_ROLES, organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            # Invitations and role changes take the same lock: none gives out the role while it is deleted.
            if not await tx.lock_organization(organization_id):
                raise NotFound("No such organization.")
            role = next((r for r in await tx.custom_roles(organization_id) if r.key == key), None)
            if role is None:
                raise NotFound("No such role.")
            check_may_define(principal, role.permissions)
            if await tx.role_in_use(organization_id, key):
                raise FailedPrecondition("Members hold this role; give them another first.", reason="ROLE_IN_USE")
            await tx.delete_custom_role(organization_id, key)
            await tx.record_events(CustomRoleChanged(principal, now, role, "deleted"))
