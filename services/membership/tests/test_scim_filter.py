"""The SCIM filter grammar (RFC 7644 §3.4.2.2): precedence, grouping, value paths, URNs, literals, refusals."""

from __future__ import annotations

import pytest

from services.membership.domain.scim_filter import (
    And,
    Compare,
    InvalidFilter,
    Not,
    Or,
    Present,
    ValuePath,
    parse_filter,
)

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def test_and_binds_tighter_than_or_and_parentheses_group() -> None:
    assert parse_filter('title pr or userName eq "a" and active eq true') == Or(
        Present("title"), And(Compare("username", "eq", "a"), Compare("active", "eq", True))
    )
    assert parse_filter('(title pr or userName eq "a") and not (active eq false)') == And(
        Or(Present("title"), Compare("username", "eq", "a")), Not(Compare("active", "eq", False))
    )


def test_keywords_operators_and_attributes_are_case_insensitive() -> None:
    assert parse_filter('UserName EQ "Ana" AND Active Eq TRUE') == And(
        Compare("username", "eq", "Ana"), Compare("active", "eq", True)
    )


def test_value_paths_urns_and_literals() -> None:
    assert parse_filter('emails[type eq "work" and value co "@acme"]') == ValuePath(
        "emails", And(Compare("type", "eq", "work"), Compare("value", "co", "@acme"))
    )
    assert parse_filter(f'{ENTERPRISE}:department eq "R&D"') == Compare("department", "eq", "R&D", ENTERPRISE.lower())
    assert parse_filter('meta.lastModified gt "2026-01-01T00:00:00Z"') == Compare(
        "meta.lastmodified", "gt", "2026-01-01T00:00:00Z"
    )
    assert parse_filter("x eq 42") == Compare("x", "eq", 42)
    assert parse_filter("x eq null") == Compare("x", "eq", None)
    assert parse_filter(r'displayName eq "say \"hi\""') == Compare("displayname", "eq", 'say "hi"')


@pytest.mark.parametrize(
    "broken",
    [
        "",
        "userName",
        "userName eq",
        'userName like "a"',
        "(userName pr",
        "userName pr)",
        'emails[type eq "w"',
        'userName eq "a" or',
        "not userName pr",
        "userName eq bare",
        "(" * 40 + "title pr" + ")" * 40,
    ],
)
def test_anything_outside_the_grammar_is_an_invalid_filter(broken: str) -> None:
    with pytest.raises(InvalidFilter):
        parse_filter(broken)
