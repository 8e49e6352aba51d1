"""docs/settings.md is generated from the settings classes: it lists every setting of every process, with a
meaning, and is regenerated whenever a setting changes (`make docs`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_settings_doc", ROOT / "scripts" / "gen_settings_doc.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_setting_of_every_process_has_a_meaning() -> None:
    _, undocumented = generator().render()
    assert not undocumented, f"comment these settings in their class (or scripts/gen_settings_doc.py): {undocumented}"


def test_the_settings_document_matches_the_settings_classes() -> None:
    text, _ = generator().render()
    assert (ROOT / "docs" / "settings.md").read_text() == text, "docs/settings.md is stale: run `make docs`"


def test_the_document_names_each_variable_as_the_process_reads_it() -> None:
    from services.billing.settings import BillingSettings

    text = (ROOT / "docs" / "settings.md").read_text()
    for field in BillingSettings.model_fields:
        assert f"`TENANTRY_BILLING_{field.upper()}`" in text
    assert "`TENANTRY_GATEWAY_COOKIE_SECURE`" in text
    # Nothing depends on where the repository or the data folder is on this machine.
    assert str(ROOT) not in text
    assert "`services/billing/catalogue.toml`" in text
