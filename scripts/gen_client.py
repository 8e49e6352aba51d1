"""Regenerates the typed REST client, clients/tenantry_client, from the gateway's OpenAPI document.

`make client` runs it; tests/test_rest_client.py fails when the committed client is not what this script makes from
the current document, so the client can never drift from the API.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT_DIR = ROOT / "clients" / "tenantry_client"
# A fixed server address: the document (and so the client) must not depend on the machine that generates it.
DOCUMENT_SERVER = "http://127.0.0.1:8080"


def openapi_document() -> dict[str, object]:
    from gateway.openapi import openapi_document as build_document
    from gateway.settings import GatewaySettings

    return build_document(GatewaySettings(public_url=DOCUMENT_SERVER))


def generate(destination: Path) -> None:
    """Writes the client package for the current document into `destination` (replaced if present)."""
    bin_dir = Path(sys.executable).parent
    ruff = bin_dir / "ruff"
    with tempfile.TemporaryDirectory() as work:
        document = Path(work) / "openapi.json"
        document.write_text(json.dumps(openapi_document(), indent=2, sort_keys=True))
        config = Path(work) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "project_name_override": "tenantry-client",
                    "package_name_override": "tenantry_client",
                    "post_hooks": [
                        f"{ruff} check --isolated --no-cache --line-length 120 --select F401,I --fix .",
                        f"{ruff} format --isolated --no-cache --line-length 120 .",
                    ],
                }
            )
        )
        output = Path(work) / "tenantry_client"
        subprocess.run(
            [
                str(bin_dir / "openapi-python-client"),
                "generate",
                "--path",
                str(document),
                "--config",
                str(config),
                "--meta",
                "none",
                "--output-path",
                str(output),
                "--overwrite",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(output, destination)


if __name__ == "__main__":
    generate(CLIENT_DIR)
    print(f"wrote {CLIENT_DIR.relative_to(ROOT)}")
