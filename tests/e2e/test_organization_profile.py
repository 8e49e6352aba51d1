"""The organization's identity, as Talkspirit's platform section builds it, through real processes: its charter's
colours and a welcome message with its video, over REST and from the portal's Organization page; bad values are
refused naming each field, and nothing is kept of a refused change."""

from __future__ import annotations

import base64

from services.common.tests.smtp_inbox import SmtpInbox
from services.membership.tests.support import png
from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client, wait_for
from tests.e2e.test_portal_sections import form_token


def test_an_owner_sets_the_charter_colours_and_a_welcome_message(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        changed = client.patch(
            "/v1/organization",
            json={
                "brand_color": "#0A7CFF",
                "secondary_color": "#1B2A4A",
                "accent_color": "#F2A900",
                "welcome_message": "Welcome to Acme!\nStart with the handbook.",
                "welcome_video_url": "https://video.acme.test/welcome.mp4",
            },
        )
        assert changed.status_code == 200, changed.text
        organization = client.get("/v1/organization").json()["organization"]
        assert (organization["secondary_color"], organization["accent_color"]) == ("#1b2a4a", "#f2a900")
        assert organization["welcome_message"] == "Welcome to Acme!\nStart with the handbook."

        refused = client.patch(
            "/v1/organization", json={"accent_color": "orange", "welcome_video_url": "https://x.test/v"}
        )
        assert refused.status_code in (400, 422), refused.text
        assert {e["field"] for e in refused.json()["errors"]} == {"accent_color"}
        assert client.get("/v1/organization").json()["organization"]["welcome_video_url"].endswith("welcome.mp4")

        page = client.get("/portal/organization")
        assert "Welcome to Acme!" in page.text and 'value="#1b2a4a"' in page.text
        form = {
            "csrf_token": form_token(page.text),
            "display_name": "Acme",
            "logo_url": "",
            "brand_color": "#0a7cff",
            "secondary_color": "",
            "accent_color": "#f2a900",
            "welcome_message": "Bienvenue !",
            "welcome_video_url": "",
            "group_creation_policy": "admins",
            "invitation_ttl_days": "",
        }
        saved = client.post("/portal/organization", data=form)
        assert saved.status_code == 303, saved.text[-300:]
        organization = client.get("/v1/organization").json()["organization"]
        assert (organization["welcome_message"], organization["secondary_color"]) == ("Bienvenue !", "")
        # The portal wears the charter's colours, each with a readable text colour; an unset one keeps the default.
        assert '<link rel="stylesheet" href="/portal/brand.css">' in client.get("/portal").text
        brand = client.get("/portal/brand.css")
        assert brand.headers["content-type"].startswith("text/css")
        assert "--brand: #0a7cff;" in brand.text and "--accent: #f2a900;\n  --on-accent: #111111;" in brand.text
        assert "--secondary" not in brand.text

        # An uploaded logo: served by the gateway, named by the profile, shown in the portal's header.
        page = client.get("/portal/organization")
        uploaded = client.post(
            "/portal/organization/logo",
            data={"csrf_token": form_token(page.text)},
            files={"logo": ("logo.png", png(32, 16), "image/png")},
        )
        assert uploaded.status_code == 303, uploaded.text[-300:]
        logo_url = client.get("/v1/organization").json()["organization"]["logo_url"]
        assert logo_url.startswith("/v1/organization/logo?v=")
        logo = client.get(logo_url)
        assert logo.status_code == 200 and logo.content == png(32, 16) and logo.headers["content-type"] == "image/png"
        assert f'url("{logo_url}")' in client.get("/portal/brand.css").text
        refused = client.put("/v1/organization/logo", json={"picture": base64.b64encode(b"GIF89a").decode()})
        assert refused.status_code == 400, refused.text

        # The person invited reads the welcome as they join.
        assert client.patch("/v1/organization", json={"welcome_video_url": "https://video.acme.test/w.mp4"}).is_success
        invited = client.post("/v1/invitations", json={"invitees": [{"email": "ann@acme.test", "role": "member"}]})
        assert invited.status_code == 200 and invited.json()["results"][0]["error"] is None, invited.text
        message = wait_for(lambda: smtp_inbox.messages)[0]
        body = message.get_payload(decode=True).decode()
        link = next(word for word in body.split() if "/accept-invitation?" in word)
        joining = client.get(link.replace(suite.gateway_url, ""))
        assert joining.status_code == 200
        assert '<blockquote class="welcome" id="welcome-message">Bienvenue !</blockquote>' in joining.text
        assert 'href="https://video.acme.test/w.mp4"' in joining.text
