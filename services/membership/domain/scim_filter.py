"""The SCIM filter grammar of RFC 7644 §3.4.2.2, parsed into a small tree the store translates to SQL.

    FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
    attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
    logExp    = FILTER SP ("and" / "or") SP FILTER        ("and" binds tighter than "or")
    valuePath = attrPath "[" valFilter "]"                e.g. emails[type eq "work" and primary eq true]

Attribute names, operators and the keywords are case-insensitive; a schema URN may prefix an attribute
(`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`). Anything else is InvalidFilter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

COMPARE_OPERATORS = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le"})
MAX_FILTER_LENGTH = 2048
MAX_DEPTH = 32

Value = str | bool | float | int | None


class InvalidFilter(ValueError):
    """The filter is not in the grammar (SCIM's 400 invalidFilter)."""


@dataclass(frozen=True)
class Compare:
    """`attribute op value`; `attribute` is lower-case and dotted (e.g. "name.givenname"), its schema URN kept
    apart. Inside a value path, `attribute` is the sub-attribute (e.g. "type" of emails)."""

    attribute: str
    op: str
    value: Value
    urn: str = ""


@dataclass(frozen=True)
class Present:
    attribute: str
    urn: str = ""


@dataclass(frozen=True)
class And:
    left: Filter
    right: Filter


@dataclass(frozen=True)
class Or:
    left: Filter
    right: Filter


@dataclass(frozen=True)
class Not:
    inner: Filter


@dataclass(frozen=True)
class ValuePath:
    """`attribute[filter]`: some value of the multi-valued attribute matches the inner filter."""

    attribute: str
    inner: Filter
    urn: str = ""


Filter = Compare | Present | And | Or | Not | ValuePath

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) | (?P<lbracket>\[) | (?P<rbracket>\]) |
        (?P<string>"(?:[^"\\]|\\.)*") |
        (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w:.]) |
        (?P<word>[A-Za-z_$][\w:.$-]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise InvalidFilter(f"Unexpected text at position {position}: {text[position : position + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append(_Token(kind, match.group(kind)))
        position = match.end()
    return tokens


def split_urn(path: str) -> tuple[str, str]:
    """(schema URN, lower-case attribute path) of an attribute path such as
    `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`."""
    if path.lower().startswith("urn:"):
        urn, _, attribute = path.rpartition(":")
        if not urn or not attribute:
            raise InvalidFilter(f"Invalid attribute path {path!r}.")
        return urn.lower(), attribute.lower()
    return "", path.lower()


class _Parser:
    def __init__(self, tokens: list[_Token]):
        self._tokens = tokens
        self._at = 0
        self._depth = 0

    def _peek(self) -> _Token | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _next(self) -> _Token:
        token = self._peek()
        if token is None:
            raise InvalidFilter("The filter ends too early.")
        self._at += 1
        return token

    def _keyword(self, *words: str) -> str | None:
        token = self._peek()
        if token is not None and token.kind == "word" and token.text.lower() in words:
            self._at += 1
            return token.text.lower()
        return None

    def parse(self) -> Filter:
        tree = self._or()
        if self._peek() is not None:
            raise InvalidFilter(f"Unexpected {self._peek().text!r}.")  # type: ignore[union-attr]
        return tree

    def _or(self) -> Filter:
        tree = self._and()
        while self._keyword("or"):
            tree = Or(tree, self._and())
        return tree

    def _and(self) -> Filter:
        tree = self._unary()
        while self._keyword("and"):
            tree = And(tree, self._unary())
        return tree

    def _unary(self) -> Filter:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise InvalidFilter("The filter nests too deeply.")
        try:
            if self._keyword("not"):
                return Not(self._group())
            token = self._peek()
            if token is not None and token.kind == "lparen":
                return self._group()
            return self._attribute_expression()
        finally:
            self._depth -= 1

    def _group(self) -> Filter:
        if self._next().kind != "lparen":
            raise InvalidFilter("Expected '('.")
        tree = self._or()
        if self._next().kind != "rparen":
            raise InvalidFilter("Expected ')'.")
        return tree

    def _attribute_expression(self) -> Filter:
        token = self._next()
        if token.kind != "word":
            raise InvalidFilter(f"Expected an attribute, found {token.text!r}.")
        urn, attribute = split_urn(token.text)
        following = self._peek()
        if following is not None and following.kind == "lbracket":
            self._at += 1
            inner = self._or()
            if self._next().kind != "rbracket":
                raise InvalidFilter("Expected ']'.")
            sub = self._peek()
            if sub is not None and sub.kind == "word" and sub.text.startswith("."):
                # emails[type eq "work"].value eq "x" is not in the filter grammar (only in PATCH paths).
                raise InvalidFilter("A value path in a filter ends at ']'.")
            return ValuePath(attribute, inner, urn)
        operator = self._next()
        op = operator.text.lower()
        if operator.kind != "word" or (op != "pr" and op not in COMPARE_OPERATORS):
            raise InvalidFilter(f"Unknown operator {operator.text!r}.")
        if op == "pr":
            return Present(attribute, urn)
        return Compare(attribute, op, self._value(), urn)

    def _value(self) -> Value:
        token = self._next()
        if token.kind == "string":
            try:
                return str(json.loads(token.text))
            except ValueError as exc:
                raise InvalidFilter(f"Invalid string {token.text}.") from exc
        if token.kind == "number":
            number = float(token.text)
            return int(number) if number.is_integer() and "." not in token.text else number
        if token.kind == "word" and token.text.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token.text.lower()]
        raise InvalidFilter(f"Invalid value {token.text!r}.")


def parse_filter(text: str) -> Filter:
    """The tree of a SCIM filter; InvalidFilter when it is not in the grammar."""
    if not text.strip():
        raise InvalidFilter("The filter is empty.")
    if len(text) > MAX_FILTER_LENGTH:
        raise InvalidFilter(f"The filter is longer than {MAX_FILTER_LENGTH} characters.")
    return _Parser(_tokens(text)).parse()
