"""Invoices with line items, discounts and tax, computed exactly to the cent."""

from invoicing.discount import Discount, FixedDiscount, PercentageDiscount, discount_for_code
from invoicing.invoice import Invoice
from invoicing.line_item import LineItem
from invoicing.money import CurrencyMismatch, Money
from invoicing.report import render_text, revenue_by_customer
from invoicing.tax import TaxRate, rate_for

__all__ = [
    "CurrencyMismatch",
    "Discount",
    "FixedDiscount",
    "Invoice",
    "LineItem",
    "Money",
    "PercentageDiscount",
    "TaxRate",
    "discount_for_code",
    "rate_for",
    "render_text",
    "revenue_by_customer",
]
