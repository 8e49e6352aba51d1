"""The typed REST client in clients/tenantry_client is what `make client` makes from today's OpenAPI document."""

from __future__ import annotations

import filecmp
from pathlib import Path

from scripts.gen_client import CLIENT_DIR, generate


def _differences(left: Path, right: Path) -> list[str]:
    compared = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found = [f"only committed: {name}" for name in compared.left_only]
    found += [f"only generated: {name}" for name in compared.right_only]
    found += [f"differs: {name}" for name in compared.diff_files]
    for name, sub in compared.subdirs.items():
        found += [f"{name}/{difference}" for difference in _differences(Path(sub.left), Path(sub.right))]
    return found


def test_the_committed_client_is_fresh(tmp_path: Path) -> None:
    fresh = tmp_path / "tenantry_client"
    generate(fresh)
    differences = _differences(CLIENT_DIR, fresh)
    assert not differences, f"Run `make client` and commit: {differences[:20]}"
