"""The entitlement check every service makes: a clear refusal naming the entitlement and the plans that have it."""

from __future__ import annotations

import pytest

from services.common.entitlements import OrganizationEntitlements, require, require_limit
from services.common.errors import FailedPrecondition

TEAM = OrganizationEntitlements(
    organization_id="org-1",
    plan_id="team-monthly",
    active=True,
    features=frozenset({"sso", "audit_log"}),
    limits={"api_keys": 10, "seats": 500},
    modules=frozenset({"dictation"}),
    version=3,
    offers={"scim": ("Enterprise",), "sso": ("Team", "Enterprise")},
)


def test_a_feature_of_the_plan_is_allowed_and_one_outside_it_names_the_plans_that_have_it() -> None:
    require(TEAM, "org-1", "sso")
    require(TEAM, "org-1", "dictation")  # modules count as entitlements too
    with pytest.raises(FailedPrecondition) as refused:
        require(TEAM, "org-1", "scim")
    assert refused.value.reason == "ENTITLEMENT_REQUIRED"
    assert refused.value.metadata == {"entitlement": "scim", "plan": "team-monthly", "plans": "Enterprise"}
    assert "Enterprise" in str(refused.value)


def test_an_ended_subscription_grants_nothing_and_says_so() -> None:
    ended = OrganizationEntitlements("org-1", "team-monthly", False, TEAM.features, TEAM.limits, TEAM.modules, 9)
    with pytest.raises(FailedPrecondition) as refused:
        require(ended, "org-1", "sso")
    assert "subscription has ended" in str(refused.value)
    with pytest.raises(FailedPrecondition):
        require_limit(ended, "org-1", "api_keys", 1)


def test_unknown_entitlements_refuse_features_but_limit_nothing() -> None:
    with pytest.raises(FailedPrecondition) as refused:
        require(None, "org-1", "sso")
    assert refused.value.reason == "ENTITLEMENTS_UNKNOWN"
    require_limit(None, "org-1", "api_keys", 1_000)


def test_a_limit_allows_up_to_its_value_and_a_limit_the_plan_does_not_set_is_unlimited() -> None:
    require_limit(TEAM, "org-1", "api_keys", 10)
    with pytest.raises(FailedPrecondition) as refused:
        require_limit(TEAM, "org-1", "api_keys", 11)
    assert refused.value.metadata["value"] == "10"
    require_limit(TEAM, "org-1", "log_streams", 1_000)
