"""Production mode refuses unsafe settings and names every problem; secrets come from files; key lists rotate."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from gateway.settings import GatewaySettings
from services.common.pagination import PageTokens
from services.common.secret_box import new_key_entry
from services.identity.settings import IdentitySettings
from services.membership.domain.invitations import invitation_token, token_matches
from services.membership.domain.model import Invitation
from services.membership.settings import MembershipSettings

OLD_KEY, NEW_KEY = "o" * 40, "n" * 40


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """TENANTRY_ENV=production with a data folder that already holds local keys (as after a `make run`)."""
    monkeypatch.setenv("TENANTRY_ENV", "production")
    monkeypatch.setenv("TENANTRY_DATA_DIR", str(tmp_path))
    from services.common.keys import ensure_local_keys

    ensure_local_keys(tmp_path)
    return tmp_path


def test_production_refuses_generated_keys_eml_mail_plaintext_and_sqlite_naming_each(production: Path) -> None:
    problems = IdentitySettings().check()

    for expected in (
        "principal_signing_key was generated locally",
        "principal_public_key was generated locally",
        "secret_key was generated locally",
        "data_keys was generated locally",
        "smtp_host is empty",
        "public_url must be https://",
        "gRPC is plaintext",
        "nats_url is plaintext",
        "database_url is SQLite",
    ):
        assert any(problem.startswith(expected) for problem in problems), (expected, problems)
    assert not (production / "keys" / "identity.secret").exists()  # production writes no key file


def test_production_starts_with_given_secrets_and_named_risks(
    production: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_pem = (production / "keys" / "principal_public.pem").read_text()
    for name, value in {
        "PRINCIPAL_PUBLIC_KEY": public_pem,
        "SECRET_KEY": NEW_KEY,
        "DATABASE_URL": "postgresql://tenantry@db/membership",
        "NATS_URL": "tls://nats:4222",
        "SMTP_HOST": "smtp.example.com",
        "PUBLIC_URL": "https://admin.example.com",
        "ALLOW_PLAINTEXT_GRPC": "true",
    }.items():
        monkeypatch.setenv(f"TENANTRY_MEMBERSHIP_{name}", value)

    assert MembershipSettings().check() == []


def test_the_gateway_refuses_insecure_cookies_in_production(production: Path) -> None:
    problems = GatewaySettings().check()

    assert any("cookie_secure is false" in problem for problem in problems)
    assert any(problem.startswith("secret_key was generated locally") for problem in problems)


def test_a_development_run_has_no_production_problems(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TENANTRY_ENV", raising=False)
    monkeypatch.setenv("TENANTRY_DATA_DIR", str(tmp_path))
    from services.common.keys import ensure_local_keys

    ensure_local_keys(tmp_path)
    assert MembershipSettings().check() == []


def test_every_secret_setting_reads_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret").write_text(NEW_KEY + "\n")
    (tmp_path / "smtp").write_text("hunter2-but-longer")
    (tmp_path / "data-keys").write_text(new_key_entry("k1"))
    monkeypatch.setenv("TENANTRY_IDENTITY_SECRET_KEY_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv("TENANTRY_IDENTITY_SMTP_PASSWORD_FILE", str(tmp_path / "smtp"))
    monkeypatch.setenv("TENANTRY_IDENTITY_DATA_KEYS_FILE", str(tmp_path / "data-keys"))
    monkeypatch.setenv("TENANTRY_GATEWAY_SECRET_KEY_FILE", str(tmp_path / "secret"))

    settings = IdentitySettings(data_dir=tmp_path)

    assert settings.secret_key.get_secret_value() == NEW_KEY
    assert settings.smtp_password.get_secret_value() == "hunter2-but-longer"
    assert settings.secret_box().sealing_key_id == "k1"
    assert GatewaySettings(data_dir=tmp_path).secret_keys == [NEW_KEY]


def test_a_malformed_data_key_stops_the_settings(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="data_keys"):
        IdentitySettings(data_dir=tmp_path, data_keys=SecretStr("k1:too-short"))


def test_a_page_token_from_before_a_key_rotation_still_works_and_a_dropped_key_no_longer() -> None:
    before = PageTokens([OLD_KEY]).encode("org-1", {"id": "m-7"})

    assert PageTokens([NEW_KEY, OLD_KEY]).decode("org-1", before) == {"id": "m-7"}
    with pytest.raises(Exception, match="page_token"):
        PageTokens([NEW_KEY]).decode("org-1", before)


def test_an_invitation_link_from_before_a_key_rotation_still_matches() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    invitation = Invitation("inv-1", "org-1", "m-1", "ann@acme.test", "member", "m-0", now, now)
    link_token = invitation_token(OLD_KEY, "inv-1", 1)

    assert token_matches([NEW_KEY, OLD_KEY], invitation, link_token)
    assert not token_matches([NEW_KEY], invitation, link_token)


def test_a_service_started_in_production_with_unsafe_settings_exits_listing_every_problem(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.billing", "serve"],
        env={"PATH": "/usr/bin:/bin", "TENANTRY_ENV": "production", "TENANTRY_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "billing refuses to start (production)" in result.stderr
    for expected in ("secret_key was generated locally", "smtp_host is empty", "nats_url is plaintext"):
        assert expected in result.stderr
