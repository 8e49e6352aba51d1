"""The address of an organization's uploaded logo: membership writes it into the profile's logo_url, the gateway
serves the picture there and the portal's header shows it. One definition, so both sides agree."""

from __future__ import annotations

import re

LOGO_PATH = "/v1/organization/logo"
# A version in the query (the picture's hash), so a new logo is never served from a cache.
UPLOADED_LOGO = re.compile(rf"^{re.escape(LOGO_PATH)}\?v=[0-9a-f]{{16}}$")


def logo_address(picture_etag: str) -> str:
    return f"{LOGO_PATH}?v={picture_etag[:16]}"
