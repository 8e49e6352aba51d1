"""CSV import and export through the REST API and real processes, with billing's seat limit."""

from __future__ import annotations

import csv
import io
import re
from email.message import Message

from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, wait_for

FREE_SEATS = 9  # the suite's default 10 seats, one held by the Owner


def test_an_import_dry_run_counts_free_seats_and_the_commit_invites_exactly_those(
    suite: Suite, smtp_inbox: SmtpInbox
) -> None:
    owner = create_owner(suite)
    people = [f"p{n}@acme.test,Person {n},member," for n in range(FREE_SEATS + 3)]
    text = "email,name,role,groups\n" + "\n".join(["=cmd()@x,Evil,member,", *people]) + "\n"
    with signed_in_client(suite, owner) as client:
        wait_for(lambda: client.get("/v1/billing/seats").json().get("in_use") == 1)
        dry = client.post("/v1/invitations/import", json={"csv": text, "dry_run": True})
        assert dry.status_code == 200, dry.text
        reasons = [(row["error"] or {}).get("reason") for row in dry.json()["rows"]]
        assert reasons == ["INVALID_EMAIL", *[None] * FREE_SEATS, *["NO_SEATS_AVAILABLE"] * 3]
        assert client.get("/v1/organization").json()["organization"]["member_counts"]["invited"] == 0

        committed = client.post(
            "/v1/invitations/import", json={"csv": text}, headers={"Idempotency-Key": "import-1"}
        ).json()
        assert committed["valid_rows"] == FREE_SEATS and committed["invalid_rows"] == 4
        assert [(row["error"] or {}).get("reason") for row in committed["rows"]] == reasons

        export = client.get("/v1/members/export", params={"format": "csv"})
        assert export.headers["content-type"].startswith("text/csv")
        assert "attachment" in export.headers["content-disposition"]
        emails = {row["email"] for row in csv.DictReader(io.StringIO(export.text))}
        assert emails == {owner.email, *(f"p{n}@acme.test" for n in range(FREE_SEATS))}
        too_big = client.post("/v1/invitations/import", json={"csv": "email\n" + "a@b.test\n" * 1001, "dry_run": True})
        assert too_big.status_code == 400


def test_a_resent_invitation_emails_a_new_link_and_the_first_one_stops_working(
    suite: Suite, smtp_inbox: SmtpInbox
) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        assert client.patch("/v1/organization", json={"invitation_ttl_days": 3}).status_code == 200
        invited = client.post("/v1/invitations", json={"invitees": [{"email": "ann@acme.test"}]}).json()
        ann = invited["results"][0]["member"]

        def links(count: int) -> list[str] | None:
            found = [invitation_link(m) for m in smtp_inbox.messages if m["To"] == "ann@acme.test"]
            return found if len(found) == count else None

        # Each email carries the newest link, so wait for the first before asking for a second.
        wait_for(lambda: links(1))
        resent = client.post(f"/v1/members/{ann['id']}/invitation/resend")
        assert resent.status_code == 200, resent.text
        first, second = wait_for(lambda: links(2))
        assert first != second
        assert client.get(first.replace(suite.gateway_url, "")).status_code == 404
        assert client.get(second.replace(suite.gateway_url, "")).status_code == 200
        owner_row = client.get("/v1/members", params={"email": owner.email}).json()["members"][0]
        refused = client.post(f"/v1/members/{owner_row['id']}/invitation/resend")
        assert refused.status_code == 409 and refused.json()["reason"] == "NOT_PENDING"


def test_an_owner_defines_profile_fields_and_members_lists_show_them(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        department = {"key": "department", "label": "Department", "type": "choice", "choices": ["Sales", "Ops"]}
        assert client.post("/v1/profile-fields", json=department).status_code == 200
        me = client.get("/v1/members", params={"email": owner.email}).json()["members"][0]
        bad = client.patch(f"/v1/members/{me['id']}/profile", json={"values": {"department": "Legal"}})
        assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "values[department]"
        good = client.patch(f"/v1/members/{me['id']}/profile", json={"values": {"department": "Ops"}})
        assert good.json()["member"]["profile"] == {"department": "Ops"}, good.text
        listed = client.get("/v1/members").json()["members"]
        assert listed[0]["profile"] == {"department": "Ops"}
        assert [f["key"] for f in client.get("/v1/profile-fields").json()["fields"]] == ["department"]


def test_an_owner_gives_a_member_a_custom_role_through_rest(suite: Suite, smtp_inbox: SmtpInbox) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        accountant = {"key": "accountant", "name": "Accountant", "permissions": ["members.read", "billing.read"]}
        assert client.post("/v1/roles", json=accountant).json()["role"]["key"] == "accountant"
        invited = client.post("/v1/invitations", json={"invitees": [{"email": "acc@acme.test", "role": "accountant"}]})
        member = invited.json()["results"][0]["member"]
        assert member["role"] == "accountant", invited.text
        # An accountant holds no seat: only the Owner's seat is in use.
        wait_for(lambda: client.get("/v1/billing/seats").json()["in_use"] == 1)
        assert client.delete("/v1/roles/accountant").status_code == 409
        assert client.get("/v1/members", params={"role": "accountant"}).json()["members"][0]["id"] == member["id"]


def invitation_link(message: Message) -> str:
    """The accept-invitation link in an invitation email's text."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    found = re.search(r"http\S*accept-invitation\S*", payload.decode())
    assert found is not None, payload
    return found.group(0)
