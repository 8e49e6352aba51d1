"""`tenantry`: the operator's command line.

tenantry run                      start the whole suite locally and print how to sign in
tenantry org create --name ... --owner-email ... [--owner-password-stdin]
                                  create an organization and its Owner (prints JSON); the Owner's password is
                                  asked for (or read from stdin), never given on the command line
tenantry org hold --organization ID (--reason TEXT | --lift)
                                  place (or lift) a legal hold that stops the organization's deletion (prints JSON)
tenantry audit verify --organization ID
                                  verify an organization's audit hash chain and signed checkpoints (prints JSON;
                                  exit 1 when broken)
tenantry audit export --organization ID --output FILE --keys-output KEYS
                                  export the log (JSON lines) and the checkpoint public keys
tenantry audit verify --file FILE --keys KEYS
                                  verify an export offline, from the file and the public keys alone
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import secrets
import signal
import sys
import time
from pathlib import Path

import grpc
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.audit.v1 import audit_service_pb2_grpc as audit_grpc
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import identity_service_pb2_grpc as identity_grpc
from tenantry.membership.v1 import deletion_service_pb2 as deletion_pb
from tenantry.membership.v1 import deletion_service_pb2_grpc as deletion_grpc
from tenantry.membership.v1 import membership_service_pb2 as membership_pb
from tenantry.membership.v1 import membership_service_pb2_grpc as membership_grpc

from services.audit.offline import export_log, verify_export
from services.common.keys import ensure_local_keys, signing_key_path
from services.common.principal import PrincipalSigner, outgoing_metadata, system_principal
from services.common.settings import default_data_dir
from services.suite import Suite, SuitePorts

INITIAL_OWNER_FILE = "initial-owner.json"
DEMO_OWNER_EMAIL = "owner@example.com"


def _address(service: str, default_port: int) -> str:
    return os.environ.get(f"TENANTRY_GATEWAY_{service.upper()}_ADDRESS", f"127.0.0.1:{default_port}")


def _signing_key(data_dir: Path) -> str:
    explicit = os.environ.get("TENANTRY_IDENTITY_PRINCIPAL_SIGNING_KEY")
    if explicit:
        return explicit
    path = signing_key_path(data_dir)
    if not path.exists():
        raise SystemExit(f"no principal signing key at {path}; start the suite once or set TENANTRY_DATA_DIR")
    return path.read_text()


async def create_organization(
    *,
    data_dir: Path,
    name: str,
    owner_email: str,
    owner_password: str,
    owner_name: str = "",
    identity_address: str = "",
    membership_address: str = "",
) -> dict[str, str]:
    """Create the Owner's account in identity and the organization in membership, as an operator."""
    token, _ = PrincipalSigner(_signing_key(data_dir)).mint(system_principal("tenantry-cli"))
    request_id = secrets.token_hex(8)
    async with (
        grpc.aio.insecure_channel(identity_address or _address("identity", 7051)) as identity_channel,
        grpc.aio.insecure_channel(membership_address or _address("membership", 7052)) as membership_channel,
    ):
        account = (
            await identity_grpc.IdentityServiceStub(identity_channel).CreateAccount(
                identity_pb.CreateAccountRequest(
                    email=owner_email,
                    password=owner_password,
                    display_name=owner_name,
                    idempotency_key=f"cli-account-{request_id}",
                ),
                metadata=outgoing_metadata(token),
                timeout=30,
            )
        ).account
        created = await membership_grpc.MembershipServiceStub(membership_channel).CreateOrganization(
            membership_pb.CreateOrganizationRequest(
                display_name=name,
                owner_account_id=account.id,
                owner_email=account.email,
                owner_display_name=owner_name,
                idempotency_key=f"cli-org-{request_id}",
            ),
            metadata=outgoing_metadata(token),
            timeout=30,
        )
    return {
        "organization_id": created.organization.id,
        "organization_name": created.organization.display_name,
        "owner_account_id": account.id,
        "owner_member_id": created.owner.id,
        "owner_email": account.email,
    }


async def set_deletion_hold(
    *, data_dir: Path, organization_id: str, hold: bool, reason: str = "", membership_address: str = ""
) -> dict[str, object]:
    """Place or lift an organization's deletion legal hold, as an operator (audited by membership's event)."""
    token, _ = PrincipalSigner(_signing_key(data_dir)).mint(system_principal("tenantry-cli"))
    async with grpc.aio.insecure_channel(membership_address or _address("membership", 7052)) as channel:
        reply = await deletion_grpc.OrganizationDeletionServiceStub(channel).SetDeletionHold(
            deletion_pb.SetDeletionHoldRequest(organization_id=organization_id, hold=hold, reason=reason),
            metadata=outgoing_metadata(token),
            timeout=30,
        )
    status = reply.status
    return {
        "organization_id": status.organization_id,
        "hold": status.hold,
        "hold_reason": status.hold_reason,
        "deletion_time": status.scheduled_time.ToJsonString() if status.HasField("scheduled_time") else None,
    }


def _org_hold(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if not args.lift and not args.reason.strip():
        raise SystemExit("give --reason (a case reference) to place a hold, or --lift to lift it")
    try:
        result = asyncio.run(
            set_deletion_hold(
                data_dir=data_dir, organization_id=args.organization, hold=not args.lift, reason=args.reason
            )
        )
    except grpc.aio.AioRpcError as exc:
        print(json.dumps({"error": exc.code().name, "message": exc.details()}), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


def _owner_password(from_stdin: bool) -> str:
    """The Owner's password from stdin (one line) or a prompt: a command line shows in `ps` and shell history."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise SystemExit("no terminal to ask for the Owner's password: pass --owner-password-stdin and pipe it in")
    password = getpass.getpass("Owner's password: ")
    if getpass.getpass("Repeat it: ") != password:
        raise SystemExit("the passwords differ")
    return password


def _org_create(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    password = _owner_password(args.owner_password_stdin)
    if not password:
        raise SystemExit("the Owner's password is empty")
    try:
        result = asyncio.run(
            create_organization(
                data_dir=data_dir,
                name=args.name,
                owner_email=args.owner_email,
                owner_password=password,
                owner_name=args.owner_name,
            )
        )
    except grpc.aio.AioRpcError as exc:
        print(json.dumps({"error": exc.code().name, "message": exc.details()}), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


async def verify_audit_chain(*, data_dir: Path, organization_id: str, audit_address: str = "") -> dict[str, object]:
    """Ask the audit service, as an operator, whether an organization's hash chain is intact."""
    token, _ = PrincipalSigner(_signing_key(data_dir)).mint(system_principal("tenantry-cli"))
    async with grpc.aio.insecure_channel(audit_address or _address("audit", 7054)) as channel:
        verdict = await audit_grpc.AuditServiceStub(channel).VerifyChain(
            audit_pb.VerifyChainRequest(organization_id=organization_id),
            metadata=outgoing_metadata(token),
            timeout=300,  # the whole chain is read and rehashed
        )
    return {
        "organization_id": organization_id,
        "intact": verdict.intact,
        "entries_checked": verdict.entries_checked,
        "first_broken_sequence": verdict.first_broken_sequence or None,
        "checkpoints_checked": verdict.checkpoints_checked,
        "reason": verdict.reason,
    }


def _audit(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    try:
        if args.audit_command == "export":
            token, _ = PrincipalSigner(_signing_key(data_dir)).mint(system_principal("tenantry-cli"))
            written = asyncio.run(
                export_log(
                    token=token,
                    audit_address=_address("audit", 7054),
                    organization_id=args.organization,
                    output=Path(args.output),
                    keys_output=Path(args.keys_output),
                )
            )
            print(json.dumps({"output": args.output, "keys": args.keys_output, "bytes": written}, indent=2))
            return 0
        if args.file:
            if not args.keys:
                raise SystemExit("--file needs --keys (the key set saved by `tenantry audit export`)")
            result = verify_export(Path(args.file), Path(args.keys))
        elif args.organization:
            result = asyncio.run(verify_audit_chain(data_dir=data_dir, organization_id=args.organization))
        else:
            raise SystemExit("give --organization ID, or --file FILE --keys KEYS")
    except (ValueError, OSError) as exc:
        print(json.dumps({"error": "INVALID_EXPORT", "message": str(exc)}), file=sys.stderr)
        return 1
    except grpc.aio.AioRpcError as exc:
        print(json.dumps({"error": exc.code().name, "message": exc.details()}), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0 if result["intact"] else 1


def _first_run_owner(suite: Suite) -> dict[str, str]:
    """On the first run, create a demo organization and keep its Owner's credentials in the data folder."""
    path = suite.data_dir / INITIAL_OWNER_FILE
    if path.exists():
        return dict(json.loads(path.read_text()))
    password = secrets.token_urlsafe(12)
    created = asyncio.run(
        create_organization(
            data_dir=suite.data_dir,
            name="Example Organization",
            owner_email=DEMO_OWNER_EMAIL,
            owner_password=password,
            owner_name="Demo Owner",
            identity_address=f"127.0.0.1:{suite.ports.identity}",
            membership_address=f"127.0.0.1:{suite.ports.membership}",
        )
    )
    created["owner_password"] = password
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(created, handle, indent=2)
    return created


def _run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    ensure_local_keys(data_dir)
    suite = Suite(data_dir=data_dir, ports=SuitePorts.defaults(), nats_url=os.environ.get("NATS_URL") or None)
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    print(f"Starting Tenantry (data in {data_dir}) ...", flush=True)
    try:
        suite.start()
        owner = _first_run_owner(suite)
        os.environ.setdefault("TENANTRY_DATA_DIR", str(data_dir))
        print(
            "\nTenantry is running.\n"
            f"  Portal:      {suite.gateway_url}/\n"
            f"  REST API:    {suite.gateway_url}/v1  (OpenAPI: {suite.gateway_url}/openapi.json)\n"
            f"  NATS:        {suite.effective_nats_url}\n"
            f"  Sign in as:  {owner['owner_email']}\n"
            f"  Password:    {owner['owner_password']}   (kept in {data_dir / INITIAL_OWNER_FILE})\n"
            f"  Logs:        {data_dir / 'logs'}\n"
            f"  Emails:      {data_dir / 'mail'} (.eml files)\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while not stopping:
            for happening in suite.supervise():
                print(happening, file=sys.stderr, flush=True)
            time.sleep(0.5)
    finally:
        print("Stopping ...", flush=True)
        suite.stop()
        print("Stopped.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tenantry", description="Tenantry operator tool")
    parser.add_argument("--data-dir", default="", help="data folder (default: TENANTRY_DATA_DIR or ./.data)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the whole suite locally")
    org = commands.add_parser("org", help="organizations")
    org_commands = org.add_subparsers(dest="org_command", required=True)
    create = org_commands.add_parser("create", help="create an organization and its Owner")
    create.add_argument("--name", required=True)
    create.add_argument("--owner-email", required=True)
    create.add_argument(
        "--owner-password-stdin", action="store_true", help="read the Owner's password from stdin (else a prompt)"
    )
    create.add_argument("--owner-name", default="")
    hold = org_commands.add_parser("hold", help="place or lift a legal hold that stops an organization's deletion")
    hold.add_argument("--organization", required=True, help="the organization's id")
    hold.add_argument("--reason", default="", help="why it is held (a case reference)")
    hold.add_argument("--lift", action="store_true", help="lift the hold")
    audit = commands.add_parser("audit", help="the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser("verify", help="verify an organization's audit log, or an export offline")
    verify.add_argument("--organization", default="", help="the organization's id (asks the audit service)")
    verify.add_argument("--file", default="", help="an export of `tenantry audit export` (verified offline)")
    verify.add_argument("--keys", default="", help="the key set saved with the export")
    export = audit_commands.add_parser("export", help="export an organization's audit log and the public keys")
    export.add_argument("--organization", required=True, help="the organization's id")
    export.add_argument("--output", required=True, help="file for the log (JSON lines)")
    export.add_argument("--keys-output", required=True, help="file for the checkpoint public keys (JSON)")
    args = parser.parse_args(argv)
    if args.command == "run":
        return _run(args)
    if args.command == "audit":
        return _audit(args)
    if args.org_command == "hold":
        return _org_hold(args)
    return _org_create(args)


if __name__ == "__main__":
    sys.exit(main())
