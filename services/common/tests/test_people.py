"""The one rule identity and membership share for emails and display names."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.common.people import MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH, clean_display_name, normalise_email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Owner@Acme.test \n", "owner@acme.test"),
        ("ANA.PEREIRA@EXAMPLE.COM", "ana.pereira@example.com"),
        ("Ana@BÜCHER.de", "ana@bücher.de"),
        ("E\u0301ve@example.com", "\u00e9ve@example.com"),  # a decomposed accent is the same person
    ],
)
def test_an_email_is_trimmed_lower_cased_and_unicode_normalised(typed: str, stored: str) -> None:
    assert normalise_email(typed) == stored


def test_case_variants_of_an_email_are_one_person() -> None:
    variants = {"victim@acme.test", "VICTIM@acme.test", "Victim@Acme.Test", " victim@ACME.TEST"}
    assert {normalise_email(v) for v in variants} == {"victim@acme.test"}


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "no-at-sign",
        "two@@acme.test",
        "a b@acme.test",
        "user@localhost",
        "dots..twice@acme.test",
        "@acme.test",
    ],
)
def test_what_is_not_an_email_address_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        normalise_email(typed, "owner_email")
    assert [v.field for v in refused.value.violations] == ["owner_email"]


def test_an_email_longer_than_the_limit_is_refused_but_surrounding_spaces_do_not_count() -> None:
    with pytest.raises(InvalidArgument) as refused:
        normalise_email("a" * 64 + "@" + "b" * (MAX_EMAIL_LENGTH - 69) + ".test")
    assert "too long" in refused.value.message
    assert normalise_email("   owner@acme.test" + " " * MAX_EMAIL_LENGTH) == "owner@acme.test"


def test_a_display_name_is_trimmed_and_unicode_normalised() -> None:
    assert clean_display_name("  Zoe\u0308 Martin  ") == "Zo\u00eb Martin"
    assert clean_display_name("") == ""


@pytest.mark.parametrize(
    "hostile", ["Eve\r\nFAKE LOG LINE", "Eve\x1b[31m", "Eve\x00", "Eve\x7fX", "Eve\x85X"], ids=repr
)
def test_a_display_name_with_control_characters_is_refused(hostile: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        clean_display_name(hostile)
    assert [v.field for v in refused.value.violations] == ["display_name"]


def test_a_display_name_has_a_length_limit_and_may_be_required() -> None:
    assert clean_display_name("a" * MAX_DISPLAY_NAME_LENGTH) == "a" * MAX_DISPLAY_NAME_LENGTH
    with pytest.raises(InvalidArgument):
        clean_display_name("a" * (MAX_DISPLAY_NAME_LENGTH + 1))
    with pytest.raises(InvalidArgument) as refused:
        clean_display_name("   ", "owner_display_name", required=True)
    assert [v.field for v in refused.value.violations] == ["owner_display_name"]
