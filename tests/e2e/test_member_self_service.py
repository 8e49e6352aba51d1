"""Seed rules about people, through real processes: the overview warns those who can name Owners while the
organization has a single Owner (respond.io recommends more than one), and a member changes the name they go by
(Talkatoo) and sets a picture (respond.io), over REST and from the portal's Security page."""

from __future__ import annotations

import base64

from services.common.tests.smtp_inbox import SmtpInbox
from services.membership.tests.support import png
from services.suite import Suite
from tests.e2e.conftest import Owner, create_owner, signed_in_client, wait_for
from tests.e2e.test_portal_sections import JOINER_PASSWORD, form_token, join

WARNING = 'id="single-owner"'


def test_the_overview_warns_while_the_organization_has_a_single_owner(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        page = client.get("/portal")
        assert page.status_code == 200 and WARNING in page.text
        assert "Olivia Owner is the only Owner of this organization" in page.text

        join(suite, client, smtp_inbox, "second@acme.test", "user_admin")
        assert WARNING in client.get("/portal").text  # an admin is not an Owner

        join(suite, client, smtp_inbox, "deputy@acme.test", "owner")
        assert WARNING not in client.get("/portal").text


def test_a_member_changes_the_name_they_go_by(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as admin:
        join(suite, admin, smtp_inbox, "ann@acme.test", "member")
        with signed_in_client(suite, Owner(owner.organization_id, "ann@acme.test", JOINER_PASSWORD)) as ann:
            renamed = ann.put("/v1/me/display-name", json={"display_name": "Ann Lee"})
            assert renamed.status_code == 200, renamed.text
            assert renamed.json()["member"]["display_name"] == "Ann Lee"
            empty = ann.put("/v1/me/display-name", json={"display_name": ""})
            assert empty.status_code == 422, empty.text

            page = ann.get("/portal/security")
            changed = ann.post(
                "/portal/security/name", data={"csrf_token": form_token(page.text), "display_name": "Ann B. Lee"}
            )
            assert changed.status_code == 303, changed.text[-300:]
            assert "Your name has been changed." in ann.get(changed.headers["location"]).text

        names = {m["email"]: m["display_name"] for m in admin.get("/v1/members").json()["members"]}
        assert names["ann@acme.test"] == "Ann B. Lee"

        def renames() -> list[object]:  # the audit log records them a moment later, from membership's events
            entries: list[object] = admin.get("/v1/audit/entries", params={"action": "member.renamed"}).json()[
                "entries"
            ]
            return entries if len(entries) == 2 else []

        assert wait_for(renames, timeout=20)


def test_a_member_sets_a_picture_that_the_organization_sees(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    """respond.io: a user's profile is their avatar, display name, role and email."""
    owner = create_owner(suite)
    picture = png(8, 8)
    with signed_in_client(suite, owner) as admin:
        join(suite, admin, smtp_inbox, "ann@acme.test", "member")
        ann_id = next(m["id"] for m in admin.get("/v1/members").json()["members"] if m["email"] == "ann@acme.test")
        before = admin.get(f"/v1/members/{ann_id}/avatar")
        assert before.headers["content-type"].startswith("image/svg+xml") and "<text" in before.text
        with signed_in_client(suite, Owner(owner.organization_id, "ann@acme.test", JOINER_PASSWORD)) as ann:
            disguised = ann.put("/v1/me/avatar", json={"picture": base64.b64encode(b"<svg onload=alert(1)>").decode()})
            assert disguised.status_code == 400 and "PNG, JPEG or WebP" in disguised.text, disguised.text

            page = ann.get("/portal/security")
            uploaded = ann.post(
                "/portal/security/picture",
                data={"csrf_token": form_token(page.text)},
                files={"picture": ("me.png", picture, "image/png")},
            )
            assert uploaded.status_code == 303, uploaded.text[-300:]
            assert "Your picture has been changed." in ann.get(uploaded.headers["location"]).text
            mine = ann.get("/v1/me/avatar")
            assert mine.content == picture and mine.headers["content-type"] == "image/png"

        seen = admin.get(f"/v1/members/{ann_id}/avatar")
        assert seen.content == picture and "private" in seen.headers["cache-control"]
        unchanged = admin.get(f"/v1/members/{ann_id}/avatar", headers={"If-None-Match": seen.headers["etag"]})
        assert unchanged.status_code == 304
        assert f'src="/v1/members/{ann_id}/avatar"' in admin.get("/portal/team").text
        removed = admin.delete(f"/v1/members/{ann_id}/avatar")
        assert removed.status_code == 200 and removed.json()["content_type"] == "", removed.text

        def changes() -> list[object]:
            found = admin.get("/v1/audit/entries", params={"action": "member.avatar_changed"}).json()["entries"]
            return found if len(found) == 2 else []

        assert wait_for(changes, timeout=20)
