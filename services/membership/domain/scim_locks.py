"""The lock on SCIM-managed groups: their identity provider owns them, so people change them there, not here."""

from __future__ import annotations

from services.common.errors import FailedPrecondition
from services.common.principal import ACTOR_SCIM, ACTOR_SYSTEM, Principal
from services.membership.domain.model import Group


def is_scim_locked(principal: Principal, group: Group) -> bool:
    """A SCIM-managed group changes only through SCIM (or the system): people change it in their identity provider."""
    return group.scim_managed and principal.actor_type not in (ACTOR_SCIM, ACTOR_SYSTEM)


def check_not_scim_locked(principal: Principal, group: Group) -> None:
    if is_scim_locked(principal, group):
        raise FailedPrecondition(
            f"The group {group.name!r} is managed by your identity provider through SCIM; change it there.",
            reason="GROUP_MANAGED_BY_SCIM",
        )
