"""Features an organization uses, and the plans that would break them: a move to a plan without a feature in use
(an enabled SSO connection needs "sso") is refused with what to do first, and a scheduled one is withdrawn at the
renewal, so a downgrade never silently breaks sign-in."""

from __future__ import annotations

from dataclasses import dataclass

from services.billing.domain.catalogue import Plan
from services.common.errors import FailedPrecondition, PreconditionViolation

# What uses each feature, in words, for the refusal (features nothing tracks never block).
_USERS = {"sso": "enabled SSO connection"}
_REMEDIES = {"sso": "disable or delete it first"}


@dataclass(frozen=True)
class FeatureUse:
    """One thing that uses a feature: an SSO connection (its id and name) for "sso"."""

    feature: str
    subject_id: str
    subject_name: str


def broken_by(target: Plan, uses: list[FeatureUse]) -> list[FeatureUse]:
    """The uses `target` would break: their feature is not among its entitlements."""
    return [use for use in uses if use.feature not in target.entitlements]


def refuse_if_broken(target: Plan, uses: list[FeatureUse]) -> None:
    """FailedPrecondition (FEATURE_IN_USE) naming each use `target` would break and what to do about it."""
    broken = broken_by(target, uses)
    if not broken:
        return
    violations = [
        PreconditionViolation(
            "FEATURE_IN_USE",
            use.feature,
            f"The {_USERS.get(use.feature, use.feature)} {use.subject_name!r} uses {use.feature!r}, which plan "
            f"{target.id!r} does not include: {_REMEDIES.get(use.feature, 'stop using it first')}.",
        )
        for use in broken
    ]
    features = sorted({use.feature for use in broken})
    raise FailedPrecondition(
        f"Plan {target.name!r} lacks {', '.join(features)}, which the organization uses: "
        + " ".join(v.description for v in violations),
        violations,
        reason="FEATURE_IN_USE",
    )
