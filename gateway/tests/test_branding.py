"""The charter's colours in the portal: each comes with the text colour that reads best on it, and a colour that is
not #RRGGBB never reaches the stylesheet."""

from __future__ import annotations

from gateway.portal.branding import brand_stylesheet, readable_on


def test_light_colours_get_dark_text_and_dark_colours_white_text() -> None:
    assert readable_on("#ffe066") == "#111111"
    assert readable_on("#0b3d91") == "#ffffff"
    assert readable_on("#F2A900") == "#111111"


def test_only_well_formed_colours_are_written() -> None:
    css = brand_stylesheet({"brand_color": "#0A7CFF", "accent_color": "red;}</style>", "secondary_color": ""})
    assert css == ":root {\n  --brand: #0a7cff;\n  --on-brand: #111111;\n}\n"  # dark text reads better on it
    assert brand_stylesheet({}) == ""


def test_the_header_shows_only_the_organizations_own_uploaded_logo() -> None:
    own = brand_stylesheet({}, "/v1/organization/logo?v=0123456789abcdef")
    assert 'url("/v1/organization/logo?v=0123456789abcdef")' in own
    for elsewhere in ("https://evil.example/logo.png", '/v1/organization/logo?v=x");} body{display:none', ""):
        assert brand_stylesheet({}, elsewhere) == ""
