"""Amounts of money in one currency, exact to the cent."""

from decimal import ROUND_HALF_UP, Decimal
from functools import total_ordering

CENT = Decimal("0.01")
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


class CurrencyMismatch(ValueError):
    """Raised when two amounts in different currencies are combined."""


def to_cents(value):
    """Round a Decimal half-up to whole cents, the way invoices are rounded by hand."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@total_ordering
class Money:
    __slots__ = ("amount", "currency")

    def __init__(self, amount, currency="EUR"):
        if isinstance(amount, float):
            raise TypeError(f"use a string or Decimal for money, not the float {amount!r}")
        self.amount = to_cents(amount)
        self.currency = currency

    @classmethod
    def zero(cls, currency="EUR"):
        return cls(0, currency)

    @classmethod
    def sum(cls, amounts, currency="EUR"):
        total = cls.zero(currency)
        for amount in amounts:
            total = total + amount
        return total

    def percent(self, rate):
        """This amount times `rate` per cent, rounded to the cent."""
        return Money(self.amount * Decimal(rate) / 100, self.currency)

    def __add__(self, other):
        self._check_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other):
        self._check_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor):
        if isinstance(factor, float):
            raise TypeError("multiply money by an int or Decimal, not a float")
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self):
        return Money(-self.amount, self.currency)

    def __eq__(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount == other.amount and self.currency == other.currency

    def __lt__(self, other):
        self._check_currency(other)
        return self.amount < other.amount

    def __hash__(self):
        return hash((self.amount, self.currency))

    def __bool__(self):
        return self.amount != 0

    def __repr__(self):
        return f"Money('{self.amount}', '{self.currency}')"

    def __str__(self):
        symbol = SYMBOLS.get(self.currency, self.currency + " ")
        sign = "-" if self.amount < 0 else ""
        return f"{sign}{symbol}{abs(self.amount):,.2f}"

    def _check_currency(self, other):
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} and {other.currency}")
