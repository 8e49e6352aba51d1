"""A small AIP-160 subset for list filters: `field = "value"` clauses joined with AND."""

from __future__ import annotations

import re

from services.common.errors import FieldViolation, InvalidArgument

_CLAUSE = re.compile(r'\s*([a-z_][a-z0-9_.]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*')
MAX_FILTER_LENGTH = 1024


def parse_equality_filter(text: str, allowed: set[str]) -> dict[str, str]:
    """{'status': 'invited'} from `status = "invited"`; unknown fields and bad syntax are InvalidArgument."""
    if not text.strip():
        return {}
    if len(text) > MAX_FILTER_LENGTH:
        raise InvalidArgument("filter is too long.", [FieldViolation("filter", f"at most {MAX_FILTER_LENGTH} chars")])
    result: dict[str, str] = {}
    for clause in re.split(r"\s+AND\s+", text.strip()):
        match = _CLAUSE.fullmatch(clause)
        if not match:
            raise InvalidArgument(
                "filter has invalid syntax.", [FieldViolation("filter", 'use field = "value" joined with AND')]
            )
        name, value = match.group(1), match.group(2).replace('\\"', '"').replace("\\\\", "\\")
        if name not in allowed:
            raise InvalidArgument(
                f"filter field {name!r} is not supported.",
                [FieldViolation("filter", f"fields: {', '.join(sorted(allowed))}")],
            )
        result[name] = value
    return result
