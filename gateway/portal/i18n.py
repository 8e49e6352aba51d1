"""The portal's languages: English (the text in the templates) and French (the seeds' languages).

A person's language is the one they chose (a long-lived cookie set from the language menu), else the best of the
browser's Accept-Language, else English. Dates, numbers and money are formatted for that language with Babel.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_precision
from starlette.requests import Request

ENGLISH = "en"
FRENCH = "fr"
LANGUAGES: dict[str, str] = {ENGLISH: "English", FRENCH: "Français"}
LANGUAGE_COOKIE = "tenantry_lang"
LOCALES_DIR = Path(__file__).parent / "locales"
MIN_PATTERN_TEXT = 12


@cache
def catalogue(language: str) -> dict[str, str]:
    """English text → text in `language` (English needs none)."""
    if language == ENGLISH:
        return {}
    loaded: dict[str, str] = json.loads((LOCALES_DIR / f"{language}.json").read_text(encoding="utf-8"))
    return loaded


@cache
def patterns(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The catalogue's texts with `{name}` placeholders as patterns, so a text a service wrote with its values
    filled in ("at least 12 characters") is still found ("at least {minimum} characters")."""
    found = []
    for english, translated in catalogue(language).items():
        parts = re.split(r"\{(\w+)\}", english)
        # A pattern that is mostly placeholders ("{browser} on {system}") would match unrelated text.
        if len(parts) > 1 and len("".join(parts[::2]).strip()) >= MIN_PATTERN_TEXT:
            # Even parts are literal text, odd ones placeholder names.
            regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
            found.append((re.compile(regex + r"\Z"), translated))
    return tuple(found)


def preferred_language(accept_language: str) -> str:
    """The first language of an Accept-Language header the portal speaks, by quality."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            weighted.append((-quality, position, primary))
    return min(weighted)[2] if weighted else ENGLISH


def language_of(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return preferred_language(request.headers.get("accept-language", ""))


@dataclass(frozen=True)
class Translator:
    """What a template needs to speak and format in one language."""

    language: str

    def gettext(self, text: str, **values: object) -> str:
        """`text` in this language; `{name}` placeholders are filled from `values`. A text with its values already
        filled in (a service's message) is translated when it fits one of the catalogue's patterns."""
        translated = catalogue(self.language).get(text)
        if translated is not None:
            return translated.format(**values) if values else translated
        if not values and self.language != ENGLISH:
            for pattern, french in patterns(self.language):
                if matched := pattern.match(text):
                    return french.format(**matched.groupdict())
        return text.format(**values) if values else text

    def datetime(self, iso: str | None) -> str:
        if not iso:
            return ""
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        return format_datetime(moment, format="medium", tzinfo=UTC, locale=self.language)

    def date(self, iso: str | None) -> str:
        if not iso:
            return ""
        return format_date(datetime.fromisoformat(iso.replace("Z", "+00:00")).date(), locale=self.language)

    def number(self, value: float | int | None) -> str:
        return "" if value is None else format_decimal(value, locale=self.language)

    def percent(self, value: float | None) -> str:
        return "" if value is None else format_percent(value, locale=self.language)

    def money(self, amount_minor: int | None, currency: str) -> str:
        """An integer count of minor units (cents) as money, e.g. 1200 EUR → €12.00 / 12,00 €."""
        if amount_minor is None or not currency:
            return ""
        digits = get_currency_precision(currency)
        return format_currency(Decimal(amount_minor).scaleb(-digits), currency, locale=self.language)

    @property
    def display_name(self) -> str:
        return str(Locale.parse(self.language).display_name)


def translator_for(request: Request) -> Translator:
    return Translator(language_of(request))
