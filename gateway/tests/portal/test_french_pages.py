"""The pages before and around signing in, rendered for a French-speaking browser over the real services: no text
of the English catalogue, and no English sentence, is left on them."""

from __future__ import annotations

import json
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from html.parser import HTMLParser
from pathlib import Path

import pyotp
from starlette.applications import Starlette
from starlette.responses import Response

from gateway.portal import i18n
from gateway.portal.invitation import invitation_page
from gateway.portal.language import choose_language
from gateway.portal.password_reset import (
    forgot_password_page,
    request_password_reset,
    reset_password,
    reset_password_page,
)
from gateway.portal.security.page import security_page
from gateway.portal.security.password import change_password
from gateway.portal.security.totp import confirm_totp, enrol_totp
from gateway.portal.shared import LOGIN_CSRF_COOKIE, portal_page, signed_in
from gateway.portal.sign_in import home, second_factor, sign_in
from gateway.portal.team import invite
from gateway.routes.sso import start as start_single_sign_on
from gateway.tests.portal.conftest import OWNER_EMAIL, OWNER_PASSWORD, Browser, form_token_on
from services.common.testing import eventually

# Words of English sentences that French never uses; a page in French holding one still speaks English somewhere.
ENGLISH_WORDS = {
    "the", "your", "you", "with", "and", "this", "that", "to", "of", "is", "are", "from", "again", "sign", "signed",
    "password", "enter", "choose", "forgot", "turn", "set", "back", "new", "have", "has", "been", "here", "not",
    "there", "session", "sessions", "code", "account", "link", "invitation", "security", "never", "unknown",
}  # fmt: skip
# "session(s)", "code" and "invitation" are French too: they count only next to an English word.
SHARED_WORDS = {"session", "sessions", "code", "invitation"}
SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


class VisibleText(HTMLParser):
    """The texts a reader sees (or hears) on a page: text nodes outside scripts and styles, and the attributes a
    browser shows or reads aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.texts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def english_left_on(response: Response) -> list[str]:
    """Every text of `response` that is a string of the English catalogue (one French writes differently) or an
    English sentence."""
    html = bytes(response.body).decode()
    assert '<html lang="fr">' in html
    parser = VisibleText()
    parser.feed(html)
    french = json.loads((i18n.LOCALES_DIR / "fr.json").read_text(encoding="utf-8"))
    english = {text for text, translated in french.items() if text != translated}
    found: list[str] = []
    for text in parser.texts:
        # The user agent, addresses and e-mail addresses are data, in no language.
        if text.startswith("Mozilla/") or "@" in text:
            continue
        words = {word.lower() for word in re.findall(r"\b[A-Za-z]+\b", text)}
        english_words = words & ENGLISH_WORDS
        if text in english or (english_words - SHARED_WORDS) or len(english_words) > 1:
            found.append(text)
    joined = " ".join(parser.texts)
    found.extend(text for text in english if len(text.split()) >= 3 and text in joined)
    return found


def french_browser(app: Starlette) -> Browser:
    """A browser whose person reads French (Accept-Language), and has not chosen a language in the portal."""
    return Browser(app, headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})


async def signed_in_in_french(app: Starlette) -> Browser:
    browser = french_browser(app)
    browser.keep_cookies(await home(browser.request("GET", "/")))
    form = {"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": browser.cookies[LOGIN_CSRF_COOKIE]}
    response = browser.keep_cookies(await sign_in(browser.request("POST", "/portal/sign-in", form)))
    assert (response.status_code, response.headers["location"]) == (303, "/portal")
    return browser


async def test_the_pages_before_signing_in_speak_only_french_to_a_french_browser(gateway_app: Starlette) -> None:
    browser = french_browser(gateway_app)
    sign_in_page = browser.keep_cookies(await home(browser.request("GET", "/")))
    assert english_left_on(sign_in_page) == []
    assert "Se connecter" in bytes(sign_in_page.body).decode()
    token = browser.cookies[LOGIN_CSRF_COOKIE]

    password_step = await sign_in(
        browser.request("POST", "/portal/sign-in", {"email": OWNER_EMAIL, "csrf_token": token})
    )
    wrong = {"email": OWNER_EMAIL, "password": "not the password", "csrf_token": token}
    refused = await sign_in(browser.request("POST", "/portal/sign-in", wrong))
    assert refused.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in bytes(refused.body).decode()
    forged = await sign_in(browser.request("POST", "/portal/sign-in", {**wrong, "csrf_token": "forged"}))
    assert forged.status_code == 403

    forgot = await forgot_password_page(browser.request("GET", "/forgot-password"))
    sent = await request_password_reset(
        browser.request("POST", "/forgot-password", {"email": OWNER_EMAIL, "csrf_token": token})
    )
    incomplete_link = await reset_password_page(browser.request("GET", "/reset-password"))
    reset_form = await reset_password_page(browser.request("GET", "/reset-password?id=r1&token=t1"))
    mistyped = {"id": "r1", "token": "t1", "new_password": "one long password", "confirm_password": "another"}
    differing = await reset_password(browser.request("POST", "/reset-password", {**mistyped, "csrf_token": token}))
    assert differing.status_code == 400
    unusable = {**mistyped, "confirm_password": mistyped["new_password"], "csrf_token": token}
    unusable_link = await reset_password(browser.request("POST", "/reset-password", unusable))
    assert unusable_link.status_code >= 400
    sso_start = browser.request("GET", "/sso/unknown/start")
    sso_start.scope["path_params"] = {"connection_id": "unknown"}
    sso_refused = await start_single_sign_on(sso_start)
    assert sso_refused.status_code == 404
    assert "n\u2019a pas fonctionné" in bytes(sso_refused.body).decode()
    unknown_invitation = await invitation_page(browser.request("GET", "/accept-invitation?invitation=i1&token=t1"))
    assert unknown_invitation.status_code == 404

    pages = {
        "sign-in, password step": password_step,
        "sign-in refused": refused,
        "sign-in from elsewhere": forged,
        "forgot password": forgot,
        "reset link sent": sent,
        "incomplete reset link": incomplete_link,
        "reset form": reset_form,
        "passwords differ": differing,
        "unusable reset link": unusable_link,
        "single sign-on refused": sso_refused,
        "unknown invitation": unknown_invitation,
    }
    assert {name: english_left_on(response) for name, response in pages.items()} == {name: [] for name in pages}


async def test_the_security_page_and_the_second_factor_speak_only_french(gateway_app: Starlette) -> None:
    browser = await signed_in_in_french(gateway_app)
    security = await security_page(browser.request("GET", "/portal/security"))
    html = bytes(security.body).decode()
    assert "Changer votre mot de passe" in html and "Cette session" in html
    assert re.search(r"\d{1,2} [a-zéû]+\.? \d{4}", html), "session times are written the French way"
    token = form_token_on(security)

    differ = {"current_password": OWNER_PASSWORD, "new_password": "a new long password", "confirm_password": "x"}
    differing = await change_password(
        browser.request("POST", "/portal/security/password", {**differ, "csrf_token": token})
    )
    assert "ne correspond pas au nouveau mot de passe" in bytes(differing.body).decode()
    wrong_current = {**differ, "current_password": "not it", "confirm_password": differ["new_password"]}
    not_current = await change_password(
        browser.request("POST", "/portal/security/password", {**wrong_current, "csrf_token": token})
    )
    assert "n\u2019est pas votre mot de passe actuel" in bytes(not_current.body).decode()

    short = {"current_password": OWNER_PASSWORD, "new_password": "short", "confirm_password": "short"}
    too_short = await change_password(
        browser.request("POST", "/portal/security/password", {**short, "csrf_token": token})
    )
    assert too_short.status_code == 400
    assert re.search(r"<li>de 8 à \d+ caractères</li>", bytes(too_short.body).decode())
    policy = {"current_password": OWNER_PASSWORD, "new_password": "abcdefghij", "confirm_password": "abcdefghij"}
    against_policy = await change_password(
        browser.request("POST", "/portal/security/password", {**policy, "csrf_token": token})
    )
    assert re.search(r"<li>au moins \d+ caractères</li>", bytes(against_policy.body).decode())

    person = await signed_in(browser.request("GET", "/portal"))
    assert person is not None
    not_found = portal_page(browser.request("GET", "/portal/x"), person, "not_found.html", "overview", 404)
    forbidden = portal_page(browser.request("GET", "/portal/x"), person, "forbidden.html", "overview", 403)
    ended = portal_page(browser.request("GET", "/portal"), person, "organization_ended.html", "overview", 403)

    setup = await enrol_totp(browser.request("POST", "/portal/security/totp/enrol", {"csrf_token": token}))
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', bytes(setup.body).decode())
    assert secret is not None
    qr_code = re.search(r'name="qr_code" value="([^"]+)"', bytes(setup.body).decode())
    assert qr_code is not None
    confirmation = {"secret": secret.group(1), "qr_code": qr_code.group(1), "csrf_token": token}
    wrong_code = await confirm_totp(
        browser.request("POST", "/portal/security/totp/confirm", {**confirmation, "totp_code": "000000"})
    )
    code = pyotp.TOTP(secret.group(1)).now()
    recovery_codes = await confirm_totp(
        browser.request("POST", "/portal/security/totp/confirm", {**confirmation, "totp_code": code})
    )
    assert 'id="recovery-codes"' in bytes(recovery_codes.body).decode()
    with_authenticator = await security_page(browser.request("GET", "/portal/security"))

    phone = french_browser(gateway_app)
    phone.keep_cookies(await home(phone.request("GET", "/")))
    credentials = {"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": phone.cookies[LOGIN_CSRF_COOKIE]}
    second_step = await sign_in(phone.request("POST", "/portal/sign-in", credentials))
    challenge = re.search(r'name="challenge" value="([^"]+)"', bytes(second_step.body).decode())
    assert challenge is not None
    mistyped = {"challenge": challenge.group(1), "totp_code": "000000", "csrf_token": credentials["csrf_token"]}
    refused_code = await second_factor(phone.request("POST", "/portal/sign-in/mfa", mistyped))
    assert refused_code.status_code == 401

    pages = {
        "security": security,
        "new passwords differ": differing,
        "not the current password": not_current,
        "password too short": too_short,
        "password against the policy": against_policy,
        "not found": not_found,
        "forbidden": forbidden,
        "organization ended": ended,
        "authenticator set-up": setup,
        "wrong first code": wrong_code,
        "recovery codes": recovery_codes,
        "authenticator on": with_authenticator,
        "second factor": second_step,
        "second factor refused": refused_code,
    }
    assert {name: english_left_on(response) for name, response in pages.items()} == {name: [] for name in pages}


def invitation_link_in(mail_dir: Path, email: str) -> str:
    """The path of the invitation link in the email sent to `email` (mail goes to .eml files in this setup)."""
    for message_file in sorted(mail_dir.glob("*.eml")) if mail_dir.exists() else []:
        message = message_from_bytes(message_file.read_bytes(), policy=default)
        if message["To"] == email and isinstance(message, EmailMessage):
            body = message.get_body(("plain",))
            text = body.get_content() if isinstance(body, EmailMessage) else ""
            found = re.search(r"/accept-invitation\?\S+", text)
            if found:
                return found.group(0)
    return ""


async def test_an_invited_person_reads_the_invitation_in_french(gateway_app: Starlette, tmp_path: Path) -> None:
    owner = await signed_in_in_french(gateway_app)
    token = form_token_on(await security_page(owner.request("GET", "/portal/security")))
    invitee = {"email": "camille@acme.test", "role": "member", "idempotency_key": "camille", "csrf_token": token}
    sent = await invite(owner.request("POST", "/portal/team/invite", invitee))
    assert sent.status_code == 303

    async def link_arrived() -> str:
        return invitation_link_in(tmp_path / "mail", invitee["email"])

    link = str(await eventually(link_arrived, timeout=15))
    invited = french_browser(gateway_app)
    invitation = invited.keep_cookies(await invitation_page(invited.request("GET", link)))
    html = bytes(invitation.body).decode()
    assert "Vous êtes invité·e en tant que camille@acme.test avec le rôle Membre." in html
    assert re.search(r'id="invitation-expiry">Ce lien est valable jusqu\u2019au \d{1,2} [a-zéû]+\.? \d{4}\.<', html)
    assert english_left_on(invitation) == []
    signed_in_invitation = await invitation_page(owner.request("GET", link))
    assert english_left_on(signed_in_invitation) == []


async def test_french_chosen_on_the_sign_in_page_wins_over_an_english_browser(gateway_app: Starlette) -> None:
    browser = Browser(gateway_app, headers={"accept-language": "en-GB,en"})
    english = browser.keep_cookies(await home(browser.request("GET", "/")))
    assert '<html lang="en">' in bytes(english.body).decode() and ">Sign in</h1>" in bytes(english.body).decode()
    assert 'action="/portal/language"' in bytes(english.body).decode(), "the menu is there before sign-in"

    menu = {"language": "fr", "csrf_token": browser.cookies[LOGIN_CSRF_COOKIE]}
    chosen = browser.keep_cookies(
        await choose_language(browser.request("POST", "/portal/language", menu, referer="http://testserver/"))
    )
    assert (chosen.status_code, chosen.headers["location"]) == (303, "/")
    assert english_left_on(await home(browser.request("GET", "/"))) == []
