"""The organization's profile fields: what is accepted, and every bad field reported at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.errors import InvalidArgument
from services.membership.domain.model import GroupCreationPolicy, Organization
from services.membership.domain.profile import apply_profile_changes

ACME = Organization("org-1", "Acme", datetime(2026, 1, 1, tzinfo=UTC))


def test_an_admin_sets_logo_brand_color_and_who_may_create_groups() -> None:
    after = apply_profile_changes(
        ACME,
        {"logo_url": "https://cdn.acme.test/logo.png", "brand_color": "#0A7CFF", "group_creation_policy": "everyone"},
    )
    assert (after.logo_url, after.brand_color, after.group_creation_policy) == (
        "https://cdn.acme.test/logo.png",
        "#0a7cff",
        GroupCreationPolicy.EVERYONE,
    )
    assert after.display_name == "Acme" and after.version == ACME.version + 1


@pytest.mark.parametrize(
    ("changes", "bad_fields"),
    [
        ({"logo_url": "javascript:alert(1)"}, {"logo_url"}),
        ({"logo_url": "http://cdn.acme.test/logo.png"}, {"logo_url"}),
        ({"brand_color": "red", "display_name": " "}, {"brand_color", "display_name"}),
        ({"group_creation_policy": "anyone"}, {"group_creation_policy"}),
        ({"secondary_color": "#12345", "accent_color": "blue"}, {"secondary_color", "accent_color"}),
        (
            {"welcome_message": "x" * 2001, "welcome_video_url": "http://video.acme.test/w"},
            {"welcome_message", "welcome_video_url"},
        ),
        ({"welcome_message": "Hi\x1b[31m there"}, {"welcome_message"}),
        ({"organization_id": "org-2"}, {"update_mask"}),
        ({}, {"update_mask"}),
    ],
)
def test_bad_profile_fields_are_all_reported_and_nothing_changes(changes: dict[str, str], bad_fields: set[str]) -> None:
    with pytest.raises(InvalidArgument) as refused:
        apply_profile_changes(ACME, changes)
    assert {v.field for v in refused.value.violations} == bad_fields


def test_clearing_the_logo_and_color_is_allowed() -> None:
    branded = apply_profile_changes(ACME, {"logo_url": "https://a.test/l.svg", "brand_color": "#000000"})
    cleared = apply_profile_changes(branded, {"logo_url": "", "brand_color": ""})
    assert (cleared.logo_url, cleared.brand_color) == ("", "")


def test_the_charter_s_colours_and_a_welcome_message_with_its_video_are_kept_as_talkspirit_allows() -> None:
    after = apply_profile_changes(
        ACME,
        {
            "brand_color": "#0A7CFF",
            "secondary_color": "#1B2A4A",
            "accent_color": "#F2A900",
            "welcome_message": "  Welcome to Acme!\r\nStart with the handbook.  ",
            "welcome_video_url": "https://video.acme.test/welcome.mp4",
        },
    )
    assert (after.brand_color, after.secondary_color, after.accent_color) == ("#0a7cff", "#1b2a4a", "#f2a900")
    assert after.welcome_message == "Welcome to Acme!\nStart with the handbook."
    assert after.welcome_video_url == "https://video.acme.test/welcome.mp4"
