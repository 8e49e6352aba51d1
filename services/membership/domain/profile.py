"""The organization's profile and settings: which fields an admin may change, and what makes them valid."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from services.common.errors import Violations
from services.common.organization_logo import UPLOADED_LOGO
from services.common.people import MAX_DISPLAY_NAME_LENGTH, is_printable
from services.membership.domain.model import GroupCreationPolicy, Organization
from services.membership.domain.text import printable

UPDATABLE_ORGANIZATION_FIELDS = frozenset(
    {
        "display_name",
        "logo_url",
        "brand_color",
        "secondary_color",
        "accent_color",
        "welcome_message",
        "welcome_video_url",
        "group_creation_policy",
        "invitation_ttl_days",
    }
)
COLOR_FIELDS = ("brand_color", "secondary_color", "accent_color")
MAX_INVITATION_TTL_DAYS = 90
MAX_LOGO_URL = 2048
MAX_WELCOME_MESSAGE = 2000
_BRAND_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _https_url(raw: str, name: str, problems: Violations) -> str:
    """Only https: the portal and the product show it (an image, a video), where a javascript: or http: address
    would be unsafe."""
    url = raw.strip()
    parts = urlsplit(url) if len(url) <= MAX_LOGO_URL else None
    if url and (parts is None or parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url)):
        problems.add(name, f"an https URL of at most {MAX_LOGO_URL} characters, or empty")
    return url


def _logo_url(raw: str, problems: Violations) -> str:
    """An https address, or the uploaded logo's own (domain/logos.py)."""
    url = raw.strip()
    return url if UPLOADED_LOGO.match(url) else _https_url(url, "logo_url", problems)


def apply_profile_changes(before: Organization, changes: dict[str, str]) -> Organization:
    """The organization with the masked fields changed; InvalidArgument listing every bad field."""
    problems = Violations()
    unknown = set(changes) - UPDATABLE_ORGANIZATION_FIELDS
    if not changes or unknown:
        problems.add("update_mask", f"one or more of {sorted(UPDATABLE_ORGANIZATION_FIELDS)}")
    values: dict[str, object] = {}
    if "display_name" in changes:
        values["display_name"] = printable(
            changes["display_name"], "display_name", MAX_DISPLAY_NAME_LENGTH, problems, True
        )
    if "logo_url" in changes:
        values["logo_url"] = _logo_url(changes["logo_url"], problems)
    if "welcome_video_url" in changes:
        values["welcome_video_url"] = _https_url(changes["welcome_video_url"], "welcome_video_url", problems)
    for name in COLOR_FIELDS:
        if name in changes:
            color = changes[name].strip()
            if color and not _BRAND_COLOR.match(color):
                problems.add(name, "#RRGGBB, or empty")
            values[name] = color.lower()
    if "welcome_message" in changes:
        message = changes["welcome_message"].replace("\r\n", "\n").strip()
        # Line breaks are the message's own; other control characters would forge text in the product's pages.
        if len(message) > MAX_WELCOME_MESSAGE or not is_printable(message.replace("\n", " ")):
            problems.add("welcome_message", f"at most {MAX_WELCOME_MESSAGE} printable characters, or empty")
        values["welcome_message"] = message
    if "group_creation_policy" in changes:
        policy = changes["group_creation_policy"]
        if policy not in {p.value for p in GroupCreationPolicy}:
            problems.add("group_creation_policy", f"one of {[p.value for p in GroupCreationPolicy]}")
        else:
            values["group_creation_policy"] = GroupCreationPolicy(policy)
    if "invitation_ttl_days" in changes:
        days = changes["invitation_ttl_days"]
        if not days.isdigit() or not 0 <= int(days) <= MAX_INVITATION_TTL_DAYS:
            problems.add("invitation_ttl_days", f"0 (the default) to {MAX_INVITATION_TTL_DAYS} days")
        else:
            values["invitation_ttl_days"] = int(days)
    problems.raise_if_any()
    return replace(before, **values, version=before.version + 1)  # type: ignore[arg-type]
