"""Seed rules about people, through real processes: the overview warns those who can name Owners while the
organization has a single Owner (respond.io recommends more than one), and a member changes the name they go by
(Talkatoo), over REST and from the portal's Security page."""

from __future__ import annotations

from services.common.tests.smtp_inbox import SmtpInbox
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
