"""An invoice: its lines, discount, tax and totals."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from invoicing.discount import Discount
from invoicing.line_item import LineItem
from invoicing.money import Money
from invoicing.tax import EXEMPT, TaxRate


@dataclass
class Invoice:
    number: str
    customer: str
    issued: date
    currency: str = "EUR"
    tax_rate: TaxRate = EXEMPT
    discount: Optional[Discount] = None
    payment_days: int = 30
    lines: list = field(default_factory=list)

    def add_line(self, description, quantity, unit_price):
        if unit_price.currency != self.currency:
            raise ValueError(f"invoice {self.number} is in {self.currency}, "
                             f"not {unit_price.currency}")
        line = LineItem(description, Decimal(quantity), unit_price)
        self.lines.append(line)
        return line

    def subtotal(self):
        return Money.sum((line.total() for line in self.lines), self.currency)

    def discount_amount(self):
        if self.discount is None:
            return Money.zero(self.currency)
        return self.discount.amount_off(self.subtotal())

    def tax_amount(self):
        return self.tax_rate.tax_on(self.subtotal())

    def total(self):
        return self.subtotal() - self.discount_amount() + self.tax_amount()

    def due_date(self):
        return self.issued + timedelta(days=self.payment_days)

    def is_overdue(self, today):
        return today > self.due_date()
