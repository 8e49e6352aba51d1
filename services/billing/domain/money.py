"""Money as integer minor units of an ISO 4217 currency, and the only places billing rounds.

The rules (also in services/billing/README.md, property-tested in tests/test_money.py):
1. Every amount is an int in the currency's minor unit (cents for EUR); no float ever holds money.
2. A division is rounded once, at the end, to the minor unit, half away from zero (2.5 -> 3, -2.5 -> -3).
3. Proration = amount x remaining seconds / period seconds, rounded by rule 2: never more than the amount, the
   whole period gives the amount exactly, none of it gives zero.
4. Tax = subtotal x rate in basis points / 10 000, rounded by rule 2, once per invoice (not per line).
"""

from __future__ import annotations

from dataclasses import dataclass

# Minor-unit exponent of the currencies billing accepts (ISO 4217).
CURRENCY_EXPONENTS: dict[str, int] = {
    "AUD": 2,
    "BHD": 3,
    "CAD": 2,
    "CHF": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "JPY": 0,
    "KWD": 3,
    "NOK": 2,
    "NZD": 2,
    "PLN": 2,
    "SEK": 2,
    "USD": 2,
}
BASIS_POINTS = 10_000
MAX_TAX_RATE_BASIS_POINTS = BASIS_POINTS


def is_currency(code: str) -> bool:
    return code in CURRENCY_EXPONENTS


@dataclass(frozen=True)
class Money:
    """An exact amount: `amount` minor units of `currency`."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError(f"money is an int of minor units, not {type(self.amount).__name__}")
        if not is_currency(self.currency):
            raise ValueError(f"unknown currency {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, quantity: int) -> Money:
        return Money(self.amount * quantity, self.currency)

    def format(self) -> str:
        """As people read it: "1234.50 EUR", "-0.05 EUR", "1200 JPY"."""
        exponent = CURRENCY_EXPONENTS[self.currency]
        sign = "-" if self.amount < 0 else ""
        whole, fraction = divmod(abs(self.amount), 10**exponent)
        digits = f"{whole}.{fraction:0{exponent}d}" if exponent else str(whole)
        return f"{sign}{digits} {self.currency}"


def divide_rounded(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest int, half away from zero (rule 2), exactly."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def prorate(amount: Money, remaining_seconds: int, period_seconds: int) -> Money:
    """The part of `amount` for `remaining_seconds` of a period of `period_seconds` (rule 3)."""
    if period_seconds <= 0:
        raise ValueError("a period lasts a positive number of seconds")
    remaining = min(max(remaining_seconds, 0), period_seconds)
    return Money(divide_rounded(amount.amount * remaining, period_seconds), amount.currency)


def tax_on(subtotal: Money, rate_basis_points: int) -> Money:
    """Tax on an invoice's subtotal at a rate in basis points (2000 = 20 %) (rule 4)."""
    if not 0 <= rate_basis_points <= MAX_TAX_RATE_BASIS_POINTS:
        raise ValueError("a tax rate lies between 0 and 10 000 basis points")
    return Money(divide_rounded(subtotal.amount * rate_basis_points, BASIS_POINTS), subtotal.currency)
