"""Every limit of the REST API's input, declared once. Over-long or malformed input is refused naming the
field, never truncated. Limits match the services' own; the services still check meaning (a known role, a
valid country code), and their answers name the field too."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

MAX_PAGE_SIZE = 200


class RequestBody(BaseModel):
    """A JSON request body: exact JSON types (no "5" for 5) and no unknown fields (no mass assignment)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class QueryParameters(BaseModel):
    """Query parameters arrive as text: numbers and booleans are parsed, then checked like a body's."""

    model_config = ConfigDict(extra="ignore")


class ResponseBody(BaseModel):
    """A JSON response body; extra="forbid" keeps a converter from answering more than the schema says."""

    model_config = ConfigDict(extra="forbid")


Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]
OptionalId = Annotated[str, StringConstraints(max_length=64)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Email = Annotated[str, StringConstraints(max_length=320)]
DisplayName = Annotated[str, StringConstraints(max_length=200)]
Name = Annotated[str, StringConstraints(max_length=100)]
Label = Annotated[str, StringConstraints(max_length=100)]
ShortText = Annotated[str, StringConstraints(max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=1000)]
Url = Annotated[str, StringConstraints(max_length=2048)]
Password = Annotated[str, StringConstraints(max_length=1024)]
Code = Annotated[str, StringConstraints(max_length=32)]
Token = Annotated[str, StringConstraints(max_length=128)]
PageToken = Annotated[str, StringConstraints(max_length=512)]
Search = Annotated[str, StringConstraints(max_length=100)]
Permission = Annotated[str, StringConstraints(min_length=1, max_length=64)]
MAX_DOMAIN_LABEL = 63


def dns_name(value: str) -> str:
    """A DNS name: dot-separated labels of 1 to 63 letters, digits or inner hyphens (one trailing dot allowed).
    Letters may be non-ASCII (identity converts to IDNA and checks the exact length)."""
    labels = value.removesuffix(".").split(".")
    if any(
        not 0 < len(label) <= MAX_DOMAIN_LABEL
        or label.startswith("-")
        or label.endswith("-")
        or not all(c.isalnum() or c == "-" for c in label)
        for label in labels
    ):
        raise ValueError(f"a domain name: labels of 1 to {MAX_DOMAIN_LABEL} letters, digits or hyphens")
    return value


# Body fields and the `{domain}` path parameter alike (gateway/pipeline.py PATH_PARAMETERS).
Domain = Annotated[str, StringConstraints(min_length=1, max_length=253), AfterValidator(dns_name)]
PageSize = Annotated[
    int, Field(ge=1, le=MAX_PAGE_SIZE, description="Items per page (the service's default when absent).")
]
WholeNumber = Annotated[int, Field(ge=0, le=2**31 - 1)]
PositiveNumber = Annotated[int, Field(ge=1, le=2**31 - 1)]
Seconds = Annotated[int, Field(ge=0, le=10 * 365 * 24 * 3600)]
BasisPoints = Annotated[int, Field(ge=0, le=10_000, description="1/100 of a percent: 2000 is 20 %.")]
MemberIds = Annotated[list[Id], Field(min_length=1, max_length=1000)]
GroupIds = Annotated[list[Id], Field(max_length=100)]
Permissions = Annotated[list[Permission], Field(max_length=100)]
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
