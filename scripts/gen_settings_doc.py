"""Writes docs/settings.md: every setting of every process, read from the settings classes themselves.

    make docs        (or: .venv/bin/python scripts/gen_settings_doc.py [--check])

A setting's meaning is the comment above (or beside) its field in the settings class; FALLBACK_MEANINGS covers the
fields that have none. tests/test_settings_doc.py fails when the file is stale or a setting has no meaning.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import re
import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "settings.md"

PROCESSES = {
    "identity": "services.identity.settings:IdentitySettings",
    "membership": "services.membership.settings:MembershipSettings",
    "billing": "services.billing.settings:BillingSettings",
    "audit": "services.audit.settings:AuditSettings",
    "gateway": "gateway.settings:GatewaySettings",
}

# Meanings of fields whose class carries no comment for them.
FALLBACK_MEANINGS = {
    "data_dir": "Folder of local state: SQLite files, generated keys, `.eml` mail. Also read as `TENANTRY_DATA_DIR`.",
    "database_url": "SQLAlchemy URL of this service's own database. Empty: the SQLite file `<data_dir>/<service>.db`; "
    "production: `postgresql+psycopg://user:password@host:5432/tenantry_<service>`.",
    "grpc_host": "Address the gRPC server listens on (`0.0.0.0` in a container).",
    "grpc_port": "gRPC port; 0 means the service's local default (see the top README).",
    "metrics_port": "Port of the Prometheus `/metrics` endpoint; 0 turns it off.",
    "nats_url": "NATS server with JetStream. Also read as `NATS_URL`.",
    "log_level": "Log level: DEBUG, INFO, WARNING, ERROR.",
    "log_json": "JSON logs (with trace and span ids) on stderr; false for plain text.",
    "mail_from": "Sender of outgoing email.",
    "smtp_host": "SMTP relay; empty writes each message as an `.eml` file under `<data_dir>/mail/`.",
    "smtp_port": "SMTP port.",
    "smtp_username": "SMTP user; empty sends without authentication.",
    "smtp_password": "SMTP password.",
    "smtp_starttls": "Upgrade the SMTP connection with STARTTLS.",
    "invitation_ttl_days": "Days an invitation link stays valid.",
    "host": "Address the HTTP server listens on (`0.0.0.0` in a container).",
    "port": "HTTP port of the REST API and the portal.",
    "identity_address": "gRPC address of identity (`dns:///identity:50051` on Kubernetes).",
    "membership_address": "gRPC address of membership (`dns:///membership:50051` on Kubernetes).",
    "billing_address": "gRPC address of billing (`dns:///billing:50051` on Kubernetes).",
    "audit_address": "gRPC address of audit (`dns:///audit:50051` on Kubernetes).",
    "auth_cache_size": "Credentials the authentication cache holds at most.",
    "max_body_bytes": "Largest request body accepted; larger ones are refused with 413.",
    "call_timeout_seconds": "Deadline of each gRPC call the gateway makes.",
    "shutdown_grace_seconds": "Seconds to drain in-flight requests after SIGTERM before stopping.",
}

# Defaults computed by a factory, described instead of evaluated (they depend on the machine).
FACTORY_DEFAULTS = {
    "default_data_dir": "`$TENANTRY_DATA_DIR`, else `./.data`",
    "default_nats_url": "`$NATS_URL`, else `nats://127.0.0.1:4222`",
}

FIELD_LINE = re.compile(r"^\s+(\w+)\s*:\s*[^=]+?(?:=.*)?$")


def field_comments(settings_class: type[BaseSettings]) -> dict[str, str]:
    """The comment lines directly above (or at the end of) each field's line, in every class of the hierarchy."""
    comments: dict[str, str] = {}
    for klass in reversed(settings_class.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseSettings)) or klass is BaseSettings:
            continue
        pending: list[str] = []
        for line in inspect.getsource(klass).splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                pending.append(stripped.lstrip("#").strip())
                continue
            code, _, trailing = line.partition("  # ")
            match = FIELD_LINE.match(code)
            if match and match.group(1) in klass.__annotations__:
                text = " ".join([*pending, trailing.strip()]).strip()
                if text:
                    comments[match.group(1)] = text
            pending = []
    return comments


def describe_default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        name = getattr(field.default_factory, "__name__", "")
        return FACTORY_DEFAULTS.get(name, f"`{name}()`")
    value: Any = field.default
    if value is PydanticUndefined:
        return "(required)"
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, Path):
        value = value.relative_to(ROOT) if value.is_relative_to(ROOT) else value
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value == "":
        return "(empty)"
    if isinstance(value, list):
        return f"`{json.dumps(value)}`"
    return f"`{value}`"


def table(process: str) -> tuple[list[str], list[str]]:
    """Markdown rows of one process's settings, and the names of the settings without a meaning."""
    module, _, name = PROCESSES[process].partition(":")
    settings_class = getattr(importlib.import_module(module), name)
    prefix = settings_class.model_config.get("env_prefix", "")
    comments = field_comments(settings_class)
    rows = ["| variable | default | secret | meaning |", "|---|---|---|---|"]
    undocumented = []
    for field_name, field in settings_class.model_fields.items():
        meaning = comments.get(field_name) or FALLBACK_MEANINGS.get(field_name, "")
        if not meaning:
            undocumented.append(f"{prefix}{field_name.upper()}")
        secret = "yes" if field.annotation is SecretStr or field_name == "database_url" else ""
        variable = f"`{prefix}{field_name.upper()}`"
        rows.append(f"| {variable} | {describe_default(field)} | {secret} | {meaning.replace('|', '/')} |")
    return rows, undocumented


def render() -> tuple[str, list[str]]:
    lines = [
        "# Settings",
        "",
        "<!-- Generated by scripts/gen_settings_doc.py from the settings classes (`make docs`); do not edit. -->",
        "",
        "Every process reads its settings from environment variables with its own prefix; defaults run the suite",
        "locally (`make run`). On Kubernetes the ConfigMaps in `deploy/base/*/config.env` set them, and each secret",
        "(column *secret*) comes from a file: `<VARIABLE>_FILE` names a file mounted from a Secret",
        "(`deploy/scripts/create-secrets.sh`). `docs/operations.md` explains how to run and rotate them.",
        "",
        "Shared by every process, without a prefix: `TENANTRY_DATA_DIR` (local state folder), `NATS_URL`,",
        "`OTEL_EXPORTER_OTLP_ENDPOINT` (traces over OTLP when set).",
    ]
    missing: list[str] = []
    for process in PROCESSES:
        rows, undocumented = table(process)
        missing += undocumented
        lines += ["", f"## {process}", "", *rows]
    return "\n".join(lines) + "\n", missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/settings.md is stale")
    args = parser.parse_args()
    text, missing = render()
    if missing:
        print(f"settings without a meaning (comment them or add to FALLBACK_MEANINGS): {missing}", file=sys.stderr)
    if args.check:
        return 0 if OUTPUT.exists() and OUTPUT.read_text() == text and not missing else 1
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
