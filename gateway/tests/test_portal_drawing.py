"""What the portal draws itself: the charter's colours (each with the text colour that reads best on it; a colour
that is not #RRGGBB, or a logo that is not our own address, never reaches the stylesheet) and the analytics trend
chart."""

from __future__ import annotations

from gateway.portal.analytics import trend_line
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


def test_the_trend_chart_runs_from_the_bottom_left_to_the_peak_at_the_top() -> None:
    assert trend_line([0, 2, 1], peak=2) == "0.0,160.0 300.0,0.0 600.0,80.0"
    assert trend_line([0], peak=0) == "0.0,160.0"
    assert trend_line([], peak=0) == ""
