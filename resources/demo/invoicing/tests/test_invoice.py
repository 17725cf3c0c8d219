import unittest
from datetime import date
from decimal import Decimal

from invoicing.discount import FixedDiscount, PercentageDiscount
from invoicing.invoice import Invoice
from invoicing.money import Money
from invoicing.tax import rate_for


def make_invoice(**kwargs):
    invoice = Invoice("2024-0001", "Acme GmbH", date(2024, 1, 15), **kwargs)
    invoice.add_line("Widget", 2, Money("100.00"))
    return invoice


class InvoiceTest(unittest.TestCase):
    def test_subtotal_adds_up_the_lines(self):
        invoice = make_invoice()
        invoice.add_line("Shipping", 1, Money("7.50"))
        self.assertEqual(invoice.subtotal(), Money("207.50"))

    def test_total_with_tax(self):
        invoice = make_invoice(tax_rate=rate_for("DE"))
        self.assertEqual(invoice.tax_amount(), Money("38.00"))
        self.assertEqual(invoice.total(), Money("238.00"))

    def test_total_with_discount(self):
        invoice = make_invoice(discount=PercentageDiscount(Decimal("10")))
        self.assertEqual(invoice.discount_amount(), Money("20.00"))
        self.assertEqual(invoice.total(), Money("180.00"))

    def test_tax_is_charged_on_the_discounted_subtotal(self):
        invoice = make_invoice(tax_rate=rate_for("DE"), discount=PercentageDiscount(Decimal("10")))
        self.assertEqual(invoice.tax_amount(), Money("34.20"))
        self.assertEqual(invoice.total(), Money("214.20"))

    def test_voucher_larger_than_the_order_makes_it_free(self):
        invoice = make_invoice(discount=FixedDiscount(Money("500.00")))
        self.assertEqual(invoice.total(), Money.zero())

    def test_lines_must_match_the_invoice_currency(self):
        invoice = make_invoice()
        with self.assertRaises(ValueError):
            invoice.add_line("Imported widget", 1, Money("10.00", "USD"))

    def test_due_date_and_overdue(self):
        invoice = make_invoice(payment_days=14)
        self.assertEqual(invoice.due_date(), date(2024, 1, 29))
        self.assertFalse(invoice.is_overdue(date(2024, 1, 29)))
        self.assertTrue(invoice.is_overdue(date(2024, 1, 30)))


if __name__ == "__main__":
    unittest.main()
