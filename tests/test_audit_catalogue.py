"""The catalogue of audit actions (services/audit/domain/action_catalogue.py) names every action the code records,
and docs/audit-actions.md, generated from it and the event messages' comments, is current (`make docs`)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from services.audit.domain.action_catalogue import all_actions, by_event_type

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("identity", "membership", "billing", "audit")
# `event_type=` followed by the literals of its expression (one, or both sides of a conditional).
PUBLISHED = re.compile(r"event_type=(f?\"[^\"]+\"(?: if .+? else \"[^\"]+\")?)")
LITERAL = re.compile(r"(f?)\"([^\"]+)\"")
# Event types chosen from a mapping in a publishing module, e.g. {"certificate_added": "sso_certificate.added"}.
MAPPED = re.compile(r"\"[a-z_]+\": \"([a-z_]+\.[a-z_.]+)\"")
# Verbs of member changes (membership's publishing module maps each change to one), e.g. "set_seat": "seat_changed".
MEMBER_VERBS = re.compile(r"^ +\"[a-z_]+\": \"([a-z_]+)\",$", re.MULTILINE)
# Audit's own entries name their action in a constant, e.g. PRUNED_ACTION = "retention.pruned".
AUDIT_ACTION_CONSTANT = re.compile(r"^[A-Z_]*ACTION = \"([a-z_.]+)\"", re.MULTILINE)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_audit_catalogue", ROOT / "scripts" / "gen_audit_catalogue.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def published_in_code() -> tuple[set[str], set[str]]:
    """Event types the services publish: exact ones, and the fixed prefixes of those built from a value."""
    exact: set[str] = set()
    prefixes: set[str] = set()
    for service in SERVICES:
        for path in (ROOT / "services" / service).rglob("*.py"):
            if "tests" in path.parts:
                continue
            text = path.read_text()
            for expression in PUBLISHED.findall(text):
                for is_format, literal in LITERAL.findall(expression):
                    # Audit writes its own entries with the producer already in the type.
                    qualified = literal if literal.startswith(f"{service}.") else f"{service}.{literal}"
                    if is_format:
                        prefixes.add(qualified.split("{", 1)[0])
                    else:
                        exact.add(qualified)
            if path.parent.name == "events":
                exact.update(f"{service}.{name}" for name in MAPPED.findall(text))
                if service == "membership" and path.name == "publish.py":
                    exact.update(f"membership.member.{verb}" for verb in MEMBER_VERBS.findall(text))
            if service == "audit":
                exact.update(f"audit.{name}" for name in AUDIT_ACTION_CONSTANT.findall(text))
    return exact, prefixes


def test_the_audit_actions_document_matches_the_catalogue() -> None:
    assert (ROOT / "docs" / "audit-actions.md").read_text() == generator().render(), (
        "docs/audit-actions.md is stale: run `make docs`"
    )


def test_every_action_the_code_records_is_in_the_catalogue() -> None:
    catalogued = by_event_type()
    exact, prefixes = published_in_code()
    assert exact, "the scan found nothing: the pattern no longer matches the code"
    assert not exact - set(catalogued), "add these to services/audit/domain/action_catalogue.py"
    families = {prefix for prefix in prefixes if not any(name.startswith(prefix) for name in catalogued)}
    assert not families, f"no catalogued action of these families: {families}"


def test_each_action_is_catalogued_once_with_a_meaning() -> None:
    names = [action.event_type for action in all_actions()]
    assert len(names) == len(set(names))
    assert all(action.meaning.endswith(".") and action.producer in SERVICES for action in all_actions())
