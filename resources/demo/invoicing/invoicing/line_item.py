"""One line of an invoice."""

from dataclasses import dataclass
from decimal import Decimal

from invoicing.money import Money


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: Decimal
    unit_price: Money

    def __post_init__(self):
        if not self.description.strip():
            raise ValueError("a line item needs a description")
        if Decimal(self.quantity) <= 0:
            raise ValueError(f"quantity must be positive, got {self.quantity}")

    def total(self):
        return self.unit_price * Decimal(self.quantity)
