"""Hostile requests generated from the route table, so a new route is covered automatically: every body
field of the wrong type, beyond its range or too long, page sizes out of range, and JSON nested too deep."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gateway.routes import ROUTES
from gateway.routing import ApiRoute

NESTING = 100_000


@dataclass(frozen=True)
class Hostile:
    route: ApiRoute
    path: str
    field: str
    content: bytes | None = None
    params: dict[str, str] | None = None

    def __str__(self) -> str:
        return f"{self.route.method} {self.route.path} {self.field}"


def concrete_path(route: ApiRoute) -> str:
    return re.sub(r"\{(\w+)\}", "hostile-id", route.path)


def _types(prop: dict[str, Any]) -> set[str]:
    return {str(prop.get("type"))} | {str(option.get("type")) for option in prop.get("anyOf", [])}


def _wrong_type(prop: dict[str, Any]) -> Any:
    """A value of another JSON type than the field's: text for objects, an object for anything else."""
    return "not an object" if "object" in _types(prop) else {"an": "object"}


def _limits(prop: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    options = [prop, *prop.get("anyOf", [])]
    for option in options:
        if option.get("type") == "integer":
            yield "above its range", 2**64
            yield "below its range", -(2**64)
        if option.get("type") == "string" and "maxLength" in option:
            yield "too long", "x" * (option["maxLength"] + 1)
        if option.get("type") == "array" and "maxItems" in option:
            yield "too many items", ["x"] * (option["maxItems"] + 1)


def body_cases() -> Iterator[Hostile]:
    for route in ROUTES:
        if route.body is None:
            continue
        properties = route.body.model_json_schema()["properties"]
        for name, prop in properties.items():
            wrong = json.dumps({name: _wrong_type(prop)}).encode()
            yield Hostile(route, concrete_path(route), name, wrong)
            for _, value in _limits(prop):
                yield Hostile(route, concrete_path(route), name, json.dumps({name: value}).encode())


def query_cases() -> Iterator[Hostile]:
    for route in ROUTES:
        if route.query is None:
            continue
        for name, prop in route.query.model_json_schema()["properties"].items():
            if "integer" in _types(prop):
                for value in ("0", "201", str(2**64), "-1", "ten"):
                    yield Hostile(route, concrete_path(route), name, params={name: value})
            if any("enum" in option for option in (prop, *prop.get("anyOf", []))):
                yield Hostile(route, concrete_path(route), name, params={name: "no-such-value"})


def deep_nesting_cases() -> Iterator[Hostile]:
    for route in ROUTES:
        if route.body is None:
            continue
        name = next(iter(route.body.model_fields))
        deep = b'{"' + name.encode() + b'": ' + b"[" * NESTING + b"]" * NESTING + b"}"
        yield Hostile(route, concrete_path(route), name, deep)
