"""Entity tags between HTTP and the services. Services tag versions as W/"<version>"; a version changes with
every change and the gateway renders a version identically every time, so HTTP gets it as a strong tag
("<version>"). If-Match is accepted with or without the W/ prefix (clients echo the `etag` field of a body).

Every other GET (a list, a subscription, a document) answers a strong tag of its representation: a digest of
the exact bytes sent, which changes with any change of them, so a client can tell whether what it read changed
(RFC 9110 section 8.8.1 allows any such validator). Changes are guarded by If-Match only where a service keeps a
version (the routes the OpenAPI document lists), since only there can the check and the write be one step."""

from __future__ import annotations

import hashlib
import re

_TAG = re.compile(r'^(W/)?"([^"]{1,64})"$')


def http_etag(service_etag: str) -> str:
    """The strong ETag header value of a service's etag."""
    match = _TAG.match(service_etag)
    return f'"{match.group(2)}"' if match else f'"{service_etag}"'


def service_etag(if_match: str) -> str | None:
    """The service's etag an If-Match names: "" for `*` (any version), None when it is not one entity tag."""
    value = if_match.strip()
    if value == "*":
        return ""
    match = _TAG.match(value)
    return f'W/"{match.group(2)}"' if match else None


def representation_etag(body: bytes) -> str:
    """The strong ETag of a response body without a service version: a digest of its bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
