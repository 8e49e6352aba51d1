"""One page-size rule for every list: 0 means the default, 1 to the maximum is taken as asked, anything else is
refused with a field violation on page_size."""

from __future__ import annotations

import pytest

from services.common.errors import FieldViolation, InvalidArgument
from services.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_size


def test_an_unset_page_size_means_the_default() -> None:
    assert page_size(0) == DEFAULT_PAGE_SIZE == 50


@pytest.mark.parametrize("requested", [1, 10, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE - 1, MAX_PAGE_SIZE])
def test_a_page_size_within_the_range_is_taken_as_asked(requested: int) -> None:
    assert page_size(requested) == requested


@pytest.mark.parametrize("requested", [-1, -50, MAX_PAGE_SIZE + 1, 1000, 2**31 - 1])
def test_a_page_size_outside_the_range_is_refused_not_clamped(requested: int) -> None:
    with pytest.raises(InvalidArgument) as refused:
        page_size(requested)
    assert refused.value.violations == [FieldViolation("page_size", "between 1 and 200, or 0 for 50")]
    assert "between 0 and 200" in refused.value.message
