"""Team · CSV import: upload a file, read the dry run row by row, then commit the valid rows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import grpc
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.auth import same_origin
from gateway.portal.shared import (
    call,
    form_field,
    form_token_valid,
    page_refusal,
    portal_page,
    services,
    settings_of,
    signed_in,
    to_sign_in,
)

# The service takes at most 1000 rows; a megabyte holds them with room to spare.
MAX_CSV_BYTES = 1024 * 1024
REFUSED = "This request did not come from this site; reload the page and try again."


async def import_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return portal_page(request, person, "team_import.html", "team")


@dataclass(frozen=True)
class Upload:
    """The CSV text of the posted form (an uploaded file, or the text the dry-run page carries to the commit),
    what is wrong with it, and the commit's idempotency key (a second click commits nothing twice)."""

    text: str | None
    problem: str = ""
    idempotency_key: str = ""


async def upload_of(request: Request) -> Upload:
    settings = settings_of(request)
    if not same_origin(request, settings):
        return Upload(None, REFUSED)
    form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_CSV_BYTES + 1)
    if not form_token_valid(request, settings, str(form.get("csrf_token", ""))):
        return Upload(None, REFUSED)
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        raw = await upload.read(MAX_CSV_BYTES + 1)
    else:
        raw = form_field(form, "csv", MAX_CSV_BYTES + 1).encode()
    if not raw:
        return Upload(None, "Choose a CSV file.")
    if len(raw) > MAX_CSV_BYTES:
        return Upload(None, "The file is larger than 1 MB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Upload(None, "The file is not UTF-8 text.")
    return Upload(text, idempotency_key=form_field(form, "idempotency_key", 64))


async def check_or_commit(request: Request) -> Response:
    """`commit=yes` invites the valid rows; otherwise a dry run reports each row and changes nothing."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    committing = request.query_params.get("commit") == "yes"
    upload = await upload_of(request)
    if upload.text is None:
        return portal_page(request, person, "team_import.html", "team", status=422, error=upload.problem)
    try:
        reply = await call(
            request,
            services(request).membership.ImportInvitations,
            membership_pb.ImportInvitationsRequest(
                organization_id=person.caller.organization_id,
                csv=upload.text.encode(),
                dry_run=not committing,
                idempotency_key=upload.idempotency_key if committing else "",
            ),
            person.caller,
            timeout_factor=6,
        )
    except grpc.aio.AioRpcError as exc:
        return portal_page(request, person, "team_import.html", "team", status=422, error=page_refusal(exc).message)
    rows = [convert.member_outcome(row, row=row.row, email=row.email) for row in reply.rows]
    return portal_page(
        request,
        person,
        "team_import.html",
        "team",
        rows=rows,
        valid_rows=reply.valid_rows,
        invalid_rows=reply.invalid_rows,
        committed=committing,
        csv_text=upload.text,
        idempotency_key=secrets.token_urlsafe(16),
    )
