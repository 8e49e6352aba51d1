"""How an internal service asks Tenantry whether a member may use a module: the whole path, in one file.

1. An Owner creates a service account for the service (`POST /v1/service-accounts` with the permission
   `members.read`, or the portal); its secret is shown once and kept in the service's secret store.
2. The service turns that credential into a principal: one `identity.Authenticate(api_key=...)` call returns a
   short-lived signed principal token (5 minutes by default) and its expiry. The client keeps the token and asks
   again a minute before it expires (or when a call answers UNAUTHENTICATED), so a steady stream of checks costs one
   identity call every few minutes.
3. Every check is one call to membership's `AccessService.CheckAccess` (or `BatchCheckAccess`) with the token in the
   `x-tenantry-principal` metadata. Membership answers from a cache refreshed within 2 seconds of a change.

Run it:  TENANTRY_SERVICE_ACCOUNT_KEY=tnt_... python examples/check_access_client.py --identity 127.0.0.1:50051 \
    --membership 127.0.0.1:50052 --organization ORG --member MEMBER --module dictation
It prints the decision as JSON and exits 0 when access is allowed, 1 when it is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass

import grpc
from tenantry.identity.v1 import identity_service_pb2, identity_service_pb2_grpc
from tenantry.membership.v1 import access_service_pb2, access_service_pb2_grpc

PRINCIPAL_METADATA_KEY = "x-tenantry-principal"
REFRESH_BEFORE_EXPIRY_SECONDS = 60.0


@dataclass(frozen=True)
class Decision:
    member_id: str
    module_id: str
    allowed: bool
    reason: str


class AccessClient:
    """A service's client of CheckAccess: authenticates once with its service-account key and refreshes the
    principal token before it expires."""

    def __init__(self, identity_address: str, membership_address: str, service_account_key: str):
        self._key = service_account_key
        self._identity_channel = grpc.aio.insecure_channel(identity_address)
        self._membership_channel = grpc.aio.insecure_channel(membership_address)
        self._identity = identity_service_pb2_grpc.IdentityServiceStub(self._identity_channel)
        self._access = access_service_pb2_grpc.AccessServiceStub(self._membership_channel)
        self._token = ""
        self._refresh_at = 0.0
        self.authentications = 0  # how many times identity was asked (the tests read it)

    async def _principal_token(self) -> str:
        if not self._token or time.time() >= self._refresh_at:
            reply = await self._identity.Authenticate(
                identity_service_pb2.AuthenticateRequest(api_key=self._key), timeout=5
            )
            self._token = reply.principal_token
            self._refresh_at = reply.expire_time.seconds - REFRESH_BEFORE_EXPIRY_SECONDS
            self.authentications += 1
        return self._token

    async def _metadata(self) -> tuple[tuple[str, str], ...]:
        return ((PRINCIPAL_METADATA_KEY, await self._principal_token()),)

    async def check(self, organization_id: str, member_id: str, module_id: str) -> Decision:
        request = access_service_pb2.CheckAccessRequest(
            organization_id=organization_id, member_id=member_id, module_id=module_id
        )
        try:
            reply = await self._access.CheckAccess(request, metadata=await self._metadata(), timeout=5)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.UNAUTHENTICATED:
                raise
            self._token = ""  # revoked or expired early: authenticate once more, then give up
            reply = await self._access.CheckAccess(request, metadata=await self._metadata(), timeout=5)
        decision = reply.decision
        return Decision(decision.member_id, decision.module_id, decision.allowed, decision.reason)

    async def check_many(self, organization_id: str, pairs: list[tuple[str, str]]) -> list[Decision]:
        request = access_service_pb2.BatchCheckAccessRequest(
            organization_id=organization_id,
            checks=[access_service_pb2.AccessCheck(member_id=m, module_id=module) for m, module in pairs],
        )
        reply = await self._access.BatchCheckAccess(request, metadata=await self._metadata(), timeout=5)
        return [Decision(d.member_id, d.module_id, d.allowed, d.reason) for d in reply.decisions]

    async def close(self) -> None:
        await self._identity_channel.close()
        await self._membership_channel.close()


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identity", default="127.0.0.1:50051")
    parser.add_argument("--membership", default="127.0.0.1:50052")
    parser.add_argument("--organization", required=True)
    parser.add_argument("--member", required=True)
    parser.add_argument("--module", required=True)
    arguments = parser.parse_args(argv)
    key = os.environ.get("TENANTRY_SERVICE_ACCOUNT_KEY", "")
    if not key:
        print("set TENANTRY_SERVICE_ACCOUNT_KEY to the service account's secret", file=sys.stderr)
        return 2
    client = AccessClient(arguments.identity, arguments.membership, key)
    try:
        decision = await client.check(arguments.organization, arguments.member, arguments.module)
    finally:
        await client.close()
    print(json.dumps(decision.__dict__))
    return 0 if decision.allowed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
