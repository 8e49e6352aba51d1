"""The plan catalogue: what can be bought, read from a TOML file and validated in full before billing starts."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.billing.domain.money import Money, is_currency

INTERVAL_MONTH = "month"
INTERVAL_YEAR = "year"
INTERVALS = (INTERVAL_MONTH, INTERVAL_YEAR)
LIMIT_SEATS = "seats"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "catalogue.toml"


class CatalogueError(ValueError):
    """The catalogue file is unreadable or breaks a rule; the message lists every problem."""


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    price_per_seat: Money
    interval: str
    minimum_seats: int
    maximum_seats: int
    trial_days: int
    entitlements: tuple[str, ...]
    # Product modules the plan includes (membership's module catalogue binds each to the organization).
    modules: tuple[str, ...] = ()
    # Numeric limits by name (api_keys, retention_days, log_streams, ...); a limit not listed is unlimited.
    limits: tuple[tuple[str, int], ...] = ()

    @property
    def limit_map(self) -> dict[str, int]:
        """The plan's limits, the seat limit (`maximum_seats`) included."""
        return {**dict(self.limits), LIMIT_SEATS: self.maximum_seats}

    @property
    def currency(self) -> str:
        return self.price_per_seat.currency


@dataclass(frozen=True)
class Catalogue:
    plans: tuple[Plan, ...]
    default_plan_id: str

    def plans_with(self, entitlement: str) -> tuple[Plan, ...]:
        """The plans that include a feature or a module, in catalogue order."""
        return tuple(plan for plan in self.plans if entitlement in plan.entitlements or entitlement in plan.modules)

    @property
    def all_entitlements(self) -> tuple[str, ...]:
        """Every feature and module some plan includes, sorted."""
        return tuple(sorted({name for plan in self.plans for name in (*plan.entitlements, *plan.modules)}))

    def plan(self, plan_id: str) -> Plan | None:
        return next((plan for plan in self.plans if plan.id == plan_id), None)

    @property
    def default_plan(self) -> Plan:
        plan = self.plan(self.default_plan_id)
        assert plan is not None  # checked when loaded
        return plan


def _int(entry: dict[str, Any], key: str, where: str, problems: list[str]) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        problems.append(f"{where}: {key} must be an integer")
        return 0
    return value


def _limits(value: object, where: str, problems: list[str]) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, dict):
        problems.append(f"{where}: limits must be a table of name = whole number")
        return ()
    limits: list[tuple[str, int]] = []
    for name, limit in value.items():
        if not NAME_PATTERN.match(name) or name == LIMIT_SEATS:
            problems.append(f"{where}: limit {name!r} must be a lowercase name other than seats (maximum_seats)")
        elif not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            problems.append(f"{where}: limits.{name} must be a whole number of at least 0")
        else:
            limits.append((name, limit))
    return tuple(sorted(limits))


def _plan(entry: object, index: int, problems: list[str]) -> Plan | None:
    where = f"plans[{index}]"
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a table")
        return None
    before = len(problems)
    plan_id = entry.get("id")
    name = entry.get("name")
    currency = entry.get("currency")
    interval = entry.get("interval")
    entitlements = entry.get("entitlements", [])
    if not isinstance(plan_id, str) or not plan_id or len(plan_id) > 64:
        problems.append(f"{where}: id must be a string of 1 to 64 characters")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: name is required")
    if not isinstance(currency, str) or not is_currency(currency):
        problems.append(f"{where}: currency must be a supported ISO 4217 code")
    if interval not in INTERVALS:
        problems.append(f"{where}: interval must be one of {', '.join(INTERVALS)}")
    for key in ("entitlements", "modules"):
        names = entry.get(key, [])
        if not isinstance(names, list) or not all(isinstance(item, str) and NAME_PATTERN.match(item) for item in names):
            problems.append(f"{where}: {key} must be a list of lowercase names (a-z, 0-9, _)")
    limits = _limits(entry.get("limits", {}), where, problems)
    price = _int(entry, "price_per_seat", where, problems)
    minimum = _int(entry, "minimum_seats", where, problems)
    maximum = _int(entry, "maximum_seats", where, problems)
    trial_days = _int(entry, "trial_days", where, problems) if "trial_days" in entry else 0
    if price < 0:
        problems.append(f"{where}: price_per_seat cannot be negative")
    if minimum < 1 or maximum < minimum:
        problems.append(f"{where}: seats must satisfy 1 <= minimum_seats <= maximum_seats")
    if not 0 <= trial_days <= 365:
        problems.append(f"{where}: trial_days must lie between 0 and 365")
    if len(problems) > before:
        return None
    return Plan(
        id=str(plan_id),
        name=str(name).strip(),
        price_per_seat=Money(price, str(currency)),
        interval=str(interval),
        minimum_seats=minimum,
        maximum_seats=maximum,
        trial_days=trial_days,
        entitlements=tuple(entitlements),
        modules=tuple(entry.get("modules", [])),
        limits=limits,
    )


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    problems: list[str] = []
    entries = data.get("plans")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError("the catalogue needs at least one [[plans]] entry")
    plans = [plan for index, entry in enumerate(entries) if (plan := _plan(entry, index, problems))]
    ids = [plan.id for plan in plans]
    for duplicate in sorted({plan_id for plan_id in ids if ids.count(plan_id) > 1}):
        problems.append(f"plan id {duplicate!r} appears more than once")
    default_plan_id = data.get("default_plan", ids[0] if ids else "")
    if default_plan_id not in ids:
        problems.append(f"default_plan {default_plan_id!r} is not a plan of the catalogue")
    if problems:
        raise CatalogueError("invalid plan catalogue: " + "; ".join(problems))
    return Catalogue(tuple(plans), str(default_plan_id))


def load_catalogue(path: Path = DEFAULT_CATALOGUE_PATH) -> Catalogue:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"cannot read the plan catalogue {path}: {exc}") from exc
    return parse_catalogue(data)
