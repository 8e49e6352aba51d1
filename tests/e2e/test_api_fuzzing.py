"""Schemathesis against the whole suite: every operation of /openapi.json, fuzzed with an Owner's API key, never
answers 5xx and always answers what its schema declares."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.suite import Suite
from tests.e2e.conftest import create_owner, signed_in_client

# Slow by nature: every operation of the document, fuzzed one request at a time (about 5 minutes on an idle
# machine with some 90 operations); the suite-wide 180 s limit is for ordinary tests.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

# Enough examples per operation to reach every field's boundaries while the run stays within a few minutes.
EXAMPLES_PER_OPERATION = int(os.environ.get("TENANTRY_FUZZ_EXAMPLES", "12"))
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def test_no_operation_answers_a_server_error_or_breaks_its_schema(suite: Suite, tmp_path: Path) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        created = client.post("/v1/api-keys", json={"name": "fuzzer", "permissions": []})
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]

    report = tmp_path / "schemathesis.json"
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{suite.gateway_url}/openapi.json",
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            "1",
            # One worker: with several threads, CPython 3.11's ast.parse (called by hypothesis while it describes
            # a filter) can fail with "AST constructor recursion depth mismatch", a tool error, not an API one.
            "--workers",
            "1",
            "--no-shrink",
            "--report",
            "json",
            "--report-json-path",
            str(report),
            "--output-truncate",
            "true",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=tmp_path,  # schemathesis keeps a cache folder in its working directory
    )
    assert report.exists(), run.stderr[-3000:] + run.stdout[-3000:]
    outcome = json.loads(report.read_text())
    figures = {
        "operations": outcome["operations"]["tested"],
        "test cases": outcome["test_cases"]["generated"],
        "failures": {failure["title"]: failure["operations"] for failure in outcome["failures"]},
        "errors": [error["title"] for error in outcome["errors"]],
    }
    print(json.dumps(figures, indent=1))
    assert outcome["operations"]["tested"] == outcome["operations"]["selected"] > 60, figures
    assert not outcome["failures"], run.stdout[-8000:]
    assert not outcome["errors"], run.stdout[-8000:]
    assert run.returncode == 0, run.stdout[-8000:]
