"""The plan catalogue file: the shipped one loads, and a broken one is refused with every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.billing.domain.catalogue import CatalogueError, load_catalogue, parse_catalogue
from services.billing.domain.money import Money


def test_the_shipped_catalogue_loads_with_its_default_plan() -> None:
    catalogue = load_catalogue()
    assert catalogue.default_plan.id == "team-monthly"
    assert catalogue.default_plan.price_per_seat == Money(1200, "EUR")
    assert {plan.interval for plan in catalogue.plans} == {"month", "year"}
    assert catalogue.plan("nope") is None


def test_every_problem_of_a_broken_catalogue_is_named() -> None:
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(
            {
                "default_plan": "missing",
                "plans": [
                    {
                        "id": "a",
                        "name": "A",
                        "price_per_seat": 1.5,
                        "currency": "EUR",
                        "interval": "month",
                        "minimum_seats": 1,
                        "maximum_seats": 5,
                    },
                    {
                        "id": "b",
                        "name": "B",
                        "price_per_seat": 100,
                        "currency": "XXX",
                        "interval": "week",
                        "minimum_seats": 5,
                        "maximum_seats": 2,
                    },
                ],
            }
        )
    message = str(refused.value)
    for problem in ("price_per_seat must be an integer", "currency", "interval", "minimum_seats", "default_plan"):
        assert problem in message


def test_duplicate_ids_and_empty_catalogues_are_refused(tmp_path: Path) -> None:
    plan = {
        "id": "a",
        "name": "A",
        "price_per_seat": 100,
        "currency": "EUR",
        "interval": "month",
        "minimum_seats": 1,
        "maximum_seats": 5,
    }
    with pytest.raises(CatalogueError, match="more than once"):
        parse_catalogue({"plans": [plan, plan]})
    with pytest.raises(CatalogueError, match="at least one"):
        parse_catalogue({"plans": []})
    broken = tmp_path / "catalogue.toml"
    broken.write_text("plans = [")
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(broken)
