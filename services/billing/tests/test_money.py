"""The rounding rules of services/billing/domain/money.py, as properties over many amounts (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.domain.money import (
    CURRENCY_EXPONENTS,
    Money,
    divide_rounded,
    prorate,
    tax_on,
)

amounts = st.integers(min_value=-(10**12), max_value=10**12)
non_negative_amounts = st.integers(min_value=0, max_value=10**12)
periods = st.integers(min_value=1, max_value=366 * 24 * 3600)
rates = st.integers(min_value=0, max_value=10_000)
currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))


@given(amounts, st.integers(min_value=1, max_value=10**9))
def test_division_rounds_to_the_nearest_unit_half_away_from_zero(numerator: int, denominator: int) -> None:
    exact = Fraction(numerator, denominator)
    rounded = divide_rounded(numerator, denominator)
    assert abs(rounded - exact) <= Fraction(1, 2)
    if abs(rounded - exact) == Fraction(1, 2):
        assert abs(rounded) > abs(exact)
    assert divide_rounded(-numerator, denominator) == -rounded


@given(non_negative_amounts, periods, st.data())
def test_proration_never_exceeds_the_amount_and_is_within_half_a_unit(
    amount: int, period: int, data: st.DataObject
) -> None:
    remaining = data.draw(st.integers(min_value=0, max_value=period))
    prorated = prorate(Money(amount, "EUR"), remaining, period).amount
    assert 0 <= prorated <= amount
    assert abs(prorated - Fraction(amount * remaining, period)) <= Fraction(1, 2)


@given(non_negative_amounts, periods)
def test_a_whole_period_costs_exactly_the_amount_and_none_of_it_nothing(amount: int, period: int) -> None:
    assert prorate(Money(amount, "EUR"), period, period).amount == amount
    assert prorate(Money(amount, "EUR"), 0, period).amount == 0
    assert prorate(Money(amount, "EUR"), period + 10, period).amount == amount


@given(non_negative_amounts, periods, st.data())
def test_proration_grows_with_the_time_left(amount: int, period: int, data: st.DataObject) -> None:
    shorter = data.draw(st.integers(min_value=0, max_value=period))
    longer = data.draw(st.integers(min_value=shorter, max_value=period))
    assert prorate(Money(amount, "EUR"), shorter, period).amount <= prorate(Money(amount, "EUR"), longer, period).amount


@given(non_negative_amounts, periods, st.data())
def test_two_halves_of_a_period_differ_from_the_whole_by_at_most_one_unit(
    amount: int, period: int, data: st.DataObject
) -> None:
    first = data.draw(st.integers(min_value=0, max_value=period))
    parts = (
        prorate(Money(amount, "EUR"), first, period).amount
        + prorate(Money(amount, "EUR"), period - first, period).amount
    )
    assert abs(parts - amount) <= 1


@given(amounts, rates)
def test_tax_is_the_rate_of_the_subtotal_within_half_a_unit(subtotal: int, rate: int) -> None:
    tax = tax_on(Money(subtotal, "EUR"), rate).amount
    assert abs(tax - Fraction(subtotal * rate, 10_000)) <= Fraction(1, 2)
    assert tax_on(Money(-subtotal, "EUR"), rate).amount == -tax


@given(non_negative_amounts, rates, rates)
def test_a_higher_rate_never_gives_less_tax(subtotal: int, rate: int, other: int) -> None:
    low, high = sorted((rate, other))
    assert tax_on(Money(subtotal, "EUR"), low).amount <= tax_on(Money(subtotal, "EUR"), high).amount


@given(amounts, amounts, currencies)
def test_addition_is_exact_and_keeps_the_currency(left: int, right: int, currency: str) -> None:
    total = Money(left, currency) + Money(right, currency)
    assert total == Money(left + right, currency)
    assert total - Money(right, currency) == Money(left, currency)


@given(amounts, currencies)
def test_formatting_shows_every_minor_unit(amount: int, currency: str) -> None:
    text = Money(amount, currency).format()
    digits, code = text.split(" ")
    assert code == currency
    assert round(Fraction(digits) * 10 ** CURRENCY_EXPONENTS[currency]) == amount


def test_bad_money_is_refused() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(1, "XXX")
    with pytest.raises(ValueError):
        Money(1, "EUR") + Money(1, "USD")
    with pytest.raises(ValueError):
        tax_on(Money(1, "EUR"), 10_001)
    assert Money(123456, "EUR").format() == "1234.56 EUR"
    assert Money(-5, "EUR").format() == "-0.05 EUR"
    assert Money(1200, "JPY").format() == "1200 JPY"
    assert Money(1, "KWD").format() == "0.001 KWD"
