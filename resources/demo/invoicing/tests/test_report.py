import unittest
from datetime import date
from decimal import Decimal

from invoicing.discount import PercentageDiscount
from invoicing.invoice import Invoice
from invoicing.money import Money
from invoicing.report import WIDTH, render_text, revenue_by_customer
from invoicing.tax import rate_for


class RenderTextTest(unittest.TestCase):
    def test_lines_and_totals(self):
        invoice = Invoice("2024-0007", "Globex", date(2024, 2, 1), tax_rate=rate_for("FR"))
        invoice.add_line("Keyboard", 2, Money("49.90"))
        text = render_text(invoice)
        self.assertIn("INVOICE 2024-0007", text)
        self.assertIn("Due: 2024-03-02", text)
        self.assertIn("Keyboard (2 x €49.90)", text)
        self.assertTrue(text.splitlines()[-1].endswith("€119.76"))
        self.assertTrue(all(len(line) <= WIDTH for line in text.splitlines()))

    def test_discount_line_is_negative(self):
        invoice = Invoice("2024-0008", "Globex", date(2024, 2, 1),
                          discount=PercentageDiscount(Decimal("25")))
        invoice.add_line("Monitor", 1, Money("200.00"))
        self.assertIn("Discount (25% off)", render_text(invoice))
        self.assertIn("-€50.00", render_text(invoice))


class RevenueTest(unittest.TestCase):
    def test_revenue_by_customer_largest_first(self):
        invoices = []
        for customer, price in [("Initech", "10.00"), ("Globex", "30.00"), ("Initech", "25.00")]:
            invoice = Invoice(f"2024-{len(invoices):04}", customer, date(2024, 4, 1))
            invoice.add_line("Support", 1, Money(price))
            invoices.append(invoice)
        self.assertEqual(revenue_by_customer(invoices),
                         [("Initech", Money("35.00")), ("Globex", Money("30.00"))])

    def test_no_invoices_no_revenue(self):
        self.assertEqual(revenue_by_customer([]), [])


if __name__ == "__main__":
    unittest.main()
