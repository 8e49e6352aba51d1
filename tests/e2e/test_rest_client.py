"""An integrator's script through the typed REST client (clients/tenantry_client) against real processes: an API
key invites, lists, groups and reads the audit log, and a refused request comes back as a typed problem."""

from __future__ import annotations

from tenantry_client import AuthenticatedClient
from tenantry_client.api.audit import list_audit_entries
from tenantry_client.api.groups import add_group_members, create_group, list_group_members
from tenantry_client.api.invitations import invite_members
from tenantry_client.api.members import list_members
from tenantry_client.models import (
    AuditEntryList,
    GroupMemberList,
    GroupMembersAddition,
    GroupReply,
    Invitation,
    InvitationResults,
    Invitee,
    ListMembersStatus,
    MemberList,
    NewGroup,
    Problem,
)

from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client, wait_for

PERMISSIONS = ["members.read", "members.invite", "groups.manage", "groups.create", "audit.read", "seat.use"]


def test_an_integrator_manages_the_team_through_the_typed_client(suite: Suite) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as browser:
        created = browser.post("/v1/api-keys", json={"name": "provisioning script", "permissions": PERMISSIONS})
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]

    with AuthenticatedClient(base_url=suite.gateway_url, token=secret, raise_on_unexpected_status=True) as api:
        invited = invite_members.sync(
            client=api,
            body=Invitation(invitees=[Invitee(email="ann@acme.test"), Invitee(email="bob@acme.test")]),
            idempotency_key="invite-ann-and-bob",
        )
        assert isinstance(invited, InvitationResults), invited
        assert [result.error for result in invited.results] == [None, None]
        member_ids = [result.member.id for result in invited.results if result.member]

        pending = list_members.sync(client=api, status=ListMembersStatus.INVITED)
        assert isinstance(pending, MemberList), pending
        assert {member.email for member in pending.members} == {"ann@acme.test", "bob@acme.test"}

        group = create_group.sync(client=api, body=NewGroup(name="Support"))
        assert isinstance(group, GroupReply), group
        add_group_members.sync(group_id=group.group.id, client=api, body=GroupMembersAddition(member_ids=member_ids))
        in_group = list_group_members.sync(group_id=group.group.id, client=api)
        assert isinstance(in_group, GroupMemberList), in_group
        assert len(in_group.members) == 2

        too_long = Invitee(email="x" * 400 + "@acme.test")
        refused = invite_members.sync(client=api, body=Invitation(invitees=[too_long]))
        assert isinstance(refused, Problem), refused
        assert refused.status == 422
        assert refused.request_id

        def invitations_audited() -> AuditEntryList | None:
            entries = list_audit_entries.sync(client=api, action="member.invited")
            assert isinstance(entries, AuditEntryList), entries
            return entries if len(entries.entries) == 2 else None

        audited = wait_for(invitations_audited, timeout=15)
        assert {entry.target_id for entry in audited.entries} == set(member_ids)
        assert {entry.request_id for entry in audited.entries} != {""}
