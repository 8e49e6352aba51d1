"""Principal tokens and page tokens: only what we signed, for the scope we signed it, is accepted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import FrozenClock
from services.common.errors import InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from services.common.filters import parse_equality_filter
from services.common.keys import generate_principal_key_pair
from services.common.pagination import PageTokens
from services.common.principal import Principal, PrincipalSigner, PrincipalVerifier

ADMIN = Principal(actor_type="user", actor_id="acc-1", organization_id="org-a", permissions=frozenset({"members.read"}))


def test_a_principal_survives_signing_and_verification(principal_keys: tuple[str, str]) -> None:
    signed_in = replace(ADMIN, authenticated_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    token, _ = PrincipalSigner(principal_keys[0]).mint(signed_in)
    assert PrincipalVerifier(principal_keys[1]).verify(token) == signed_in


def test_a_person_must_have_authenticated_recently_for_sensitive_actions() -> None:
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    replace(ADMIN, authenticated_at=now - timedelta(minutes=14)).require_recent_authentication(now)
    with pytest.raises(PermissionDenied) as stale:
        replace(ADMIN, authenticated_at=now - timedelta(minutes=16)).require_recent_authentication(now)
    assert stale.value.reason == "REAUTHENTICATION_REQUIRED"
    replace(ADMIN, actor_type="api_key").require_recent_authentication(now)  # programs are not asked


def test_a_token_signed_with_another_key_is_refused(principal_keys: tuple[str, str]) -> None:
    attacker_private, _ = generate_principal_key_pair()
    token, _ = PrincipalSigner(attacker_private).mint(ADMIN)
    with pytest.raises(Unauthenticated):
        PrincipalVerifier(principal_keys[1]).verify(token)


def test_an_expired_token_is_refused(principal_keys: tuple[str, str]) -> None:
    clock = FrozenClock()
    token, _ = PrincipalSigner(principal_keys[0], ttl=timedelta(minutes=5), clock=clock).mint(ADMIN)
    clock.advance(timedelta(minutes=5, seconds=6))
    with pytest.raises(Unauthenticated):
        PrincipalVerifier(principal_keys[1], clock=clock).verify(token)


def test_a_tampered_token_is_refused(principal_keys: tuple[str, str]) -> None:
    token, _ = PrincipalSigner(principal_keys[0]).mint(ADMIN)
    header, payload, signature = token.split(".")
    forged = ".".join([header, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1], signature])
    with pytest.raises(Unauthenticated):
        PrincipalVerifier(principal_keys[1]).verify(forged)


def test_an_unsigned_token_is_refused(principal_keys: tuple[str, str]) -> None:
    token, _ = PrincipalSigner(principal_keys[0]).mint(ADMIN)
    header, payload, _ = token.split(".")
    with pytest.raises(Unauthenticated):
        PrincipalVerifier(principal_keys[1]).verify(f"{header}.{payload}.")


def test_another_organizations_resource_is_answered_as_not_found() -> None:
    with pytest.raises(NotFound):
        ADMIN.authorize("members.read", "org-b")


def test_a_missing_permission_is_denied() -> None:
    with pytest.raises(PermissionDenied):
        ADMIN.authorize("members.invite", "org-a")


def test_a_page_token_from_another_query_is_refused() -> None:
    tokens = PageTokens("k" * 48)
    token = tokens.encode("members:org-a:", {"id": "x"})
    assert tokens.decode("members:org-a:", token) == {"id": "x"}
    with pytest.raises(InvalidArgument):
        tokens.decode("members:org-b:", token)
    with pytest.raises(InvalidArgument):
        PageTokens("z" * 48).decode("members:org-a:", token)
    with pytest.raises(InvalidArgument):
        tokens.decode("members:org-a:", "not-a-token")


def test_filters_accept_equality_clauses_and_refuse_unknown_fields() -> None:
    assert parse_equality_filter('status = "invited" AND email = "a@b.c"', {"status", "email"}) == {
        "status": "invited",
        "email": "a@b.c",
    }
    with pytest.raises(InvalidArgument):
        parse_equality_filter('password = "x"', {"status"})
    with pytest.raises(InvalidArgument):
        parse_equality_filter("status = invited", {"status"})
