"""The portal in English and French: every text a page shows has its French, the language follows the person's
choice or the browser, and money, numbers and dates are written the way each language writes them."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

import gateway.portal
from gateway.portal import i18n, navigation
from gateway.portal.i18n import Translator, preferred_language
from gateway.portal.roles import PERMISSION_LABELS
from gateway.routes import sso as sso_sign_in

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
LITERAL = re.compile(r"""_\(\s*(['"])(.*?)(?<!\\)\1""")
# Words the pages receive from the services and show through _() (statuses, kinds, built-in roles, plan
# intervals), and the choices of the pages' menus.
COMPUTED = {
    "Active", "Invited", "Deactivated", "Owner", "Billing admin", "User admin", "Member", "Team", "Workspace",
    "Open", "Paid", "Void", "Draft", "Succeeded", "Failed", "Pending", "Newest first", "Name", "Email",
    "Owners only", "Administrators", "Everyone", "Nobody",
}  # fmt: skip
# What identity and membership answer on the pages around signing in, which those pages show through _().
SERVICE_MESSAGES = {
    "Invalid email or password.", "Too many failed sign-ins from this address; try again later.",
    "This organization's subscription has ended; an Owner or Billing admin can resubscribe.",
    "Invalid or expired code.", "The code is not correct.",
    "The code is not correct; check the app's clock and try the next code.", "No authenticator app is set up.",
    "An authenticator app is already set up; turn it off first.", "Start the set-up of an authenticator app first.",
    "The password is not correct.", "The new password must differ from the current one.",
    "This invitation has expired; ask for a new one.", "This invitation link is not valid (anymore).",
    "An account with this email exists; sign in instead.", "Sign in to accept an invitation.",
    "No such session.", "You can end only your own session.",
    "This password reset link is invalid, used or expired; ask for a new one.",
    "The password does not meet the password policy.", "must not contain your email address",
    "is one of the most common passwords",
}  # fmt: skip


def texts_of_templates() -> set[str]:
    found: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        found.update(match.group(2) for match in LITERAL.finditer(template.read_text(encoding="utf-8")))
    return found


def texts_of_pages() -> set[str]:
    """Notices and labels the page modules declare and the templates translate."""
    found = {section.label for section in navigation.SECTIONS} | set(PERMISSION_LABELS.values())
    # The sign-in page also shows why a single sign-on was refused.
    found |= {sso_sign_in.SIGN_IN_REFUSED, sso_sign_in.ORGANIZATION_ENDED}
    for module in pkgutil.walk_packages(gateway.portal.__path__, "gateway.portal."):
        loaded = importlib.import_module(module.name)
        found.update(getattr(loaded, "NOTICES", {}).values())
        found.update(getattr(loaded, "MESSAGES", ()))
    return found


def test_every_text_of_the_portal_has_its_french() -> None:
    french = json.loads((i18n.LOCALES_DIR / "fr.json").read_text(encoding="utf-8"))
    missing = sorted((texts_of_templates() | texts_of_pages() | COMPUTED | SERVICE_MESSAGES) - set(french))
    assert missing == []


def test_french_texts_keep_the_placeholders_of_the_english() -> None:
    french = json.loads((i18n.LOCALES_DIR / "fr.json").read_text(encoding="utf-8"))
    for english, translated in french.items():
        assert set(re.findall(r"\{\w+\}", english)) == set(re.findall(r"\{\w+\}", translated)), english


def test_the_browser_language_is_followed_by_quality_and_english_is_the_default() -> None:
    assert preferred_language("fr-CA,fr;q=0.9,en;q=0.8") == "fr"
    assert preferred_language("de-DE,en;q=0.5,fr;q=0.7") == "fr"
    assert preferred_language("de-DE") == "en"
    assert preferred_language("") == "en"
    assert preferred_language("fr;q=0, en") == "en"


def test_money_and_numbers_are_written_as_each_language_writes_them() -> None:
    assert Translator("en").money(123456, "EUR") == "€1,234.56"
    assert Translator("fr").money(123456, "EUR").replace("\u202f", " ").replace("\xa0", " ") == "1 234,56 €"
    assert Translator("fr").number(1500).replace("\u202f", " ") == "1 500"
    assert Translator("fr").gettext("Team") == "Équipe"
    assert Translator("fr").gettext("Invite {count} people", count=3) == "Inviter 3 personnes"


def test_a_service_message_with_its_values_filled_in_is_translated_by_its_pattern() -> None:
    french = Translator("fr")
    assert french.gettext("at least 12 characters") == "au moins 12 caractères"
    assert french.gettext("8 to 128 characters") == "de 8 à 128 caractères"
    assert french.gettext("Firefox on Windows") == "Firefox on Windows", "too little text to be a pattern"
    assert Translator("en").gettext("at least 12 characters") == "at least 12 characters"
