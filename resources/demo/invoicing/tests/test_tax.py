import unittest
from decimal import Decimal

from invoicing.money import Money
from invoicing.tax import EXEMPT, TaxRate, rate_for


class TaxTest(unittest.TestCase):
    def test_standard_rates(self):
        self.assertEqual(rate_for("de").percent, Decimal("19"))
        self.assertEqual(rate_for("NL").percent, Decimal("21"))

    def test_unknown_countries_are_exempt(self):
        self.assertIs(rate_for("ZZ"), EXEMPT)
        self.assertEqual(EXEMPT.tax_on(Money("100.00")), Money.zero())

    def test_tax_on_an_amount(self):
        self.assertEqual(TaxRate("VAT", Decimal("20")).tax_on(Money("49.99")), Money("10.00"))

    def test_label(self):
        self.assertEqual(TaxRate("VAT", Decimal("20.0")).label(), "VAT 20%")
        self.assertEqual(TaxRate("GST", Decimal("7.5")).label(), "GST 7.5%")


if __name__ == "__main__":
    unittest.main()
