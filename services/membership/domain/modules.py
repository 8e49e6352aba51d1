"""The product's module catalogue: what admins may switch on or off, each bound to an entitlement of the plan; read
from a TOML file and validated in full before membership starts."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_MODULES_PATH = Path(__file__).resolve().parent.parent / "modules.toml"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class ModuleCatalogueError(ValueError):
    """The module catalogue is unreadable or breaks a rule; the message lists every problem."""


@dataclass(frozen=True)
class ProductModule:
    id: str
    name: str
    description: str
    entitlement: str
    per_group: bool
    default_enabled: bool
    # Only members holding a seat (seat.use) may use it; reports for managers need none.
    needs_seat: bool = True


@dataclass(frozen=True)
class ModuleCatalogue:
    modules: tuple[ProductModule, ...]

    def module(self, module_id: str) -> ProductModule | None:
        return next((module for module in self.modules if module.id == module_id), None)


def _module(entry: object, index: int, problems: list[str]) -> ProductModule | None:
    where = f"modules[{index}]"
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a table")
        return None
    before = len(problems)
    values: dict[str, Any] = {}
    for key in ("id", "entitlement"):
        value = entry.get(key)
        if not isinstance(value, str) or not NAME_PATTERN.match(value):
            problems.append(f"{where}: {key} must be a lowercase name (a-z, 0-9, _)")
        values[key] = value
    for key, limit in (("name", 100), ("description", 500)):
        value = entry.get(key, "")
        if not isinstance(value, str) or len(value) > limit or (key == "name" and not value.strip()):
            problems.append(f"{where}: {key} must be text of at most {limit} characters")
        values[key] = value
    for key, default in (("per_group", False), ("default_enabled", False), ("needs_seat", True)):
        value = entry.get(key, default)
        if not isinstance(value, bool):
            problems.append(f"{where}: {key} must be true or false")
        values[key] = value
    if len(problems) > before:
        return None
    return ProductModule(**values)


def parse_modules(data: dict[str, Any]) -> ModuleCatalogue:
    problems: list[str] = []
    entries = data.get("modules")
    if not isinstance(entries, list) or not entries:
        raise ModuleCatalogueError("the module catalogue needs at least one [[modules]] entry")
    modules = [module for index, entry in enumerate(entries) if (module := _module(entry, index, problems))]
    ids = [module.id for module in modules]
    for duplicate in sorted({module_id for module_id in ids if ids.count(module_id) > 1}):
        problems.append(f"module id {duplicate!r} appears more than once")
    if problems:
        raise ModuleCatalogueError("invalid module catalogue: " + "; ".join(problems))
    return ModuleCatalogue(tuple(modules))


def load_modules(path: Path = DEFAULT_MODULES_PATH) -> ModuleCatalogue:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModuleCatalogueError(f"cannot read the module catalogue {path}: {exc}") from exc
    return parse_modules(data)
