"""SCIM provisioning settings and dry-run mode. In dry-run mode every SCIM write is checked as a live one would be
(a taken userName is still a 409, an unknown user still a 404) and then recorded as what it would change (kind,
target, summary, the token as actor, time) instead of applied: members, groups, seats and the safety hold's count
stay as they are, and no member or group event is published.

What the identity provider sees in dry-run mode:
- a create (User or Group) is answered 201 with the resource as sent and a stable id: the same userName (or group
  displayName) gets the same id for as long as the records are kept, and a later live create reuses it, so an id
  the provider stored during the dry run names the real resource afterwards;
- a replace or patch of a User is answered with the User as it would be after the change (its version unchanged);
- a replace or patch of a Group is answered with the Group as it is now (members as they are);
- a delete is answered 204;
- a write to a user or group created in dry-run mode is recorded and answered as for an existing one (a User as
  the write would leave one made of its userName, a Group as created, without members);
- reads answer the real state: a user created in dry-run mode is not found by GET or a filter.
Turning dry-run off is audited (scim_settings.dry_run_disabled)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from services.common.domain import DomainEvent
from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.common.ids import new_id
from services.common.pagination import PageTokens
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.ports import Clock, MembershipTransaction

# The largest cap an organization may set for automatic seat purchases.
MAX_SEATS_CAP = 100_000
DEFAULT_PAGE = 50
MAX_PAGE = 200
MAX_SUMMARY = 2000


class DryRunKind(StrEnum):
    CREATE_USER = "create_user"
    REPLACE_USER = "replace_user"
    PATCH_USER = "patch_user"
    DELETE_USER = "delete_user"
    CREATE_GROUP = "create_group"
    REPLACE_GROUP = "replace_group"
    PATCH_GROUP = "patch_group"
    DELETE_GROUP = "delete_group"


@dataclass(frozen=True)
class ProvisioningSettings:
    """How an organization's SCIM writes behave; everything off by default."""

    dry_run: bool = False
    auto_purchase_seats: bool = False
    # The most seats automatic purchases may reach.
    max_seats: int = 0


@dataclass(frozen=True)
class DryRunChange:
    id: str
    organization_id: str
    kind: DryRunKind
    target_id: str
    # userName or group displayName.
    target: str
    summary: str
    actor_id: str
    recorded_at: datetime
    # A deactivation or removal, which the safety hold would count live.
    deprovision: bool = False


@dataclass(frozen=True)
class DryRunPage:
    changes: list[DryRunChange]
    next_page_token: str


@dataclass(frozen=True)
class ScimSettingsChanged(DomainEvent):
    """The organization's SCIM settings changed; `dry_run_disabled` when this turned dry-run mode off."""

    organization_id: str
    settings: ProvisioningSettings
    before: ProvisioningSettings
    dry_run_disabled: bool = False


class ScimSettingsTransaction(MembershipTransaction, Protocol):
    """Membership's transaction with the settings' and dry-run records' queries (store/scim_dry_run.py)."""

    async def provisioning_settings(self, organization_id: str) -> ProvisioningSettings: ...
    async def save_provisioning_settings(self, organization_id: str, settings: ProvisioningSettings) -> None: ...
    async def record_dry_run_change(self, change: DryRunChange) -> None: ...
    async def dry_run_changes(
        self, organization_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[DryRunChange]: ...
    async def clear_dry_run_changes(self, organization_id: str) -> int: ...
    async def dry_run_created_id(self, organization_id: str, kind: DryRunKind, target: str) -> str | None: ...
    async def dry_run_created_target(self, organization_id: str, kind: DryRunKind, target_id: str) -> str | None: ...
    async def count_dry_run_deprovisions_since(self, organization_id: str, since: datetime) -> int: ...


class ScimSettingsStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[ScimSettingsTransaction]: ...
    def read(self) -> AbstractAsyncContextManager[ScimSettingsTransaction]: ...


class DryRun:
    """What the SCIM use cases ask: is the organization in dry-run mode, record a would-be change, and the stable
    id of a resource created in dry-run mode."""

    def __init__(self, store: ScimSettingsStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def active(self, organization_id: str) -> bool:
        async with self._store.read() as tx:
            return (await tx.provisioning_settings(organization_id)).dry_run

    async def before_create(self, organization_id: str, kind: DryRunKind, target: str) -> tuple[bool, str | None]:
        """Whether dry-run mode is on, and the id a dry-run create of `target` (case-insensitively) was given if one
        is recorded; one read, as every create asks."""
        async with self._store.read() as tx:
            active = (await tx.provisioning_settings(organization_id)).dry_run
            return active, await tx.dry_run_created_id(organization_id, kind, target.lower())

    async def created_target(self, organization_id: str, kind: DryRunKind, target_id: str) -> str | None:
        """The userName (or group name) a dry-run create gave `target_id`, while dry-run mode is on."""
        async with self._store.read() as tx:
            if not (await tx.provisioning_settings(organization_id)).dry_run:
                return None
            return await tx.dry_run_created_target(organization_id, kind, target_id[:36])

    async def deprovisions_since(self, organization_id: str, since: datetime) -> int:
        """Deactivations and removals recorded in dry-run mode since `since`."""
        async with self._store.read() as tx:
            return await tx.count_dry_run_deprovisions_since(organization_id, since)

    async def record(
        self,
        principal: Principal,
        organization_id: str,
        kind: DryRunKind,
        target_id: str,
        target: str,
        summary: str,
        deprovision: bool = False,
    ) -> DryRunChange:
        change = DryRunChange(
            new_id(),
            organization_id,
            kind,
            target_id,
            target[:320],
            summary[:MAX_SUMMARY],
            principal.actor_id[:64],
            self._clock.now(),
            deprovision,
        )
        async with self._store.write() as tx:
            await tx.record_dry_run_change(change)
        return change


class ScimSettingsUseCases:
    def __init__(self, store: ScimSettingsStore, clock: Clock, page_tokens: PageTokens):
        self._store = store
        self._clock = clock
        self._page_tokens = page_tokens

    async def get(self, principal: Principal, organization_id: str) -> ProvisioningSettings:
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        async with self._store.read() as tx:
            return await tx.provisioning_settings(organization_id)

    async def set(
        self, principal: Principal, organization_id: str, settings: ProvisioningSettings
    ) -> ProvisioningSettings:
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        if not 0 <= settings.max_seats <= MAX_SEATS_CAP:
            raise InvalidArgument(
                f"max_seats is 0 to {MAX_SEATS_CAP}.",
                [FieldViolation("max_seats", f"0 to {MAX_SEATS_CAP}")],
                reason="INVALID_PROVISIONING_SETTINGS",
            )
        now = self._clock.now()
        async with self._store.write() as tx:
            if not await tx.lock_organization(organization_id):
                raise NotFound("No such organization.")
            before = await tx.provisioning_settings(organization_id)
            if before != settings:
                await tx.save_provisioning_settings(organization_id, settings)
                await tx.record_events(
                    ScimSettingsChanged(
                        principal,
                        now,
                        organization_id,
                        settings,
                        before,
                        dry_run_disabled=before.dry_run and not settings.dry_run,
                    )
                )
        return settings

    async def list_changes(
        self, principal: Principal, organization_id: str, page_size: int = 0, page_token: str = ""
    ) -> DryRunPage:
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        scope = f"scim-dry-run:{organization_id}"
        position = self._page_tokens.decode(scope, page_token)
        after = None
        if position is not None:
            after = (datetime.fromisoformat(str(position["at"])), str(position["id"]))
        limit = min(page_size, MAX_PAGE) if page_size > 0 else DEFAULT_PAGE
        async with self._store.read() as tx:
            found = await tx.dry_run_changes(organization_id, after, limit + 1)
        changes = found[:limit]
        token = ""
        if len(found) > limit:
            last = changes[-1]
            token = self._page_tokens.encode(scope, {"at": last.recorded_at.isoformat(), "id": last.id})
        return DryRunPage(changes, token)

    async def clear(self, principal: Principal, organization_id: str) -> int:
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        async with self._store.write() as tx:
            return await tx.clear_dry_run_changes(organization_id)
