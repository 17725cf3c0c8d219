"""Discounts on an invoice's subtotal."""

from decimal import Decimal

from invoicing.money import Money


class Discount:
    def amount_off(self, subtotal):
        raise NotImplementedError

    def describe(self):
        raise NotImplementedError


class PercentageDiscount(Discount):
    def __init__(self, percent):
        percent = Decimal(percent)
        if not Decimal(0) <= percent <= Decimal(100):
            raise ValueError(f"a discount is between 0 and 100 per cent, got {percent}")
        self.percent = percent

    def amount_off(self, subtotal):
        return subtotal.percent(self.percent)

    def describe(self):
        return f"{self.percent.normalize():f}% off"


class FixedDiscount(Discount):
    def __init__(self, amount):
        if amount.amount < 0:
            raise ValueError("a fixed discount cannot be negative")
        self.amount = amount

    def amount_off(self, subtotal):
        # A voucher larger than the order makes it free, never negative.
        return min(self.amount, subtotal)

    def describe(self):
        return f"{self.amount} off"


PROMOTION_CODES = {
    "WELCOME10": PercentageDiscount(Decimal("10")),
    "SPRING25": PercentageDiscount(Decimal("25")),
    "VOUCHER50": FixedDiscount(Money("50.00")),
}


def discount_for_code(code):
    """The discount a promotion code stands for; codes are not case-sensitive."""
    try:
        return PROMOTION_CODES[code.strip().upper()]
    except KeyError:
        raise ValueError(f"unknown promotion code: {code!r}") from None
