"""Local key material in the data folder: replicas starting together on one folder end with the same keys."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from joserfc.jwk import OKPKey

from services.common.keys import (
    create_once,
    ensure_local_keys,
    load_or_create_secret,
    public_key_path,
    signing_key_path,
)


def test_processes_racing_to_create_a_key_all_get_the_winners(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "raced.secret"
    contenders = [f"secret-{n}" for n in range(16)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        seen = set(pool.map(lambda content: create_once(path, lambda: content), contenders))
    assert len(seen) == 1 and seen <= set(contenders)
    assert path.read_text() in seen
    assert [p.name for p in path.parent.iterdir()] == ["raced.secret"], "no file written aside is left behind"
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_principal_key_pair_matches_and_a_second_start_keeps_it(tmp_path: Path) -> None:
    ensure_local_keys(tmp_path)
    private_pem = signing_key_path(tmp_path).read_text()
    expected_public = OKPKey.import_key(private_pem).as_pem(private=False).decode()
    assert public_key_path(tmp_path).read_text() == expected_public
    ensure_local_keys(tmp_path)
    assert signing_key_path(tmp_path).read_text() == private_pem
    assert load_or_create_secret(tmp_path, "membership") == load_or_create_secret(tmp_path, "membership")
