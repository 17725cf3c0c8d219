import unittest
from decimal import Decimal

from invoicing.money import CurrencyMismatch, Money


class MoneyTest(unittest.TestCase):
    def test_amounts_are_rounded_half_up_to_the_cent(self):
        self.assertEqual(Money("2.675").amount, Decimal("2.68"))
        self.assertEqual(Money("2.665").amount, Decimal("2.67"))
        self.assertEqual(Money("-2.675").amount, Decimal("-2.68"))

    def test_floats_are_refused(self):
        with self.assertRaises(TypeError):
            Money(0.1)
        with self.assertRaises(TypeError):
            Money("1.00") * 1.5

    def test_addition_and_subtraction(self):
        self.assertEqual(Money("10.10") + Money("0.20"), Money("10.30"))
        self.assertEqual(Money("10.10") - Money("0.20"), Money("9.90"))

    def test_currencies_do_not_mix(self):
        with self.assertRaises(CurrencyMismatch):
            Money("1.00", "EUR") + Money("1.00", "USD")

    def test_percent_rounds_to_the_cent(self):
        self.assertEqual(Money("19.99").percent(Decimal("19")), Money("3.80"))
        self.assertEqual(Money("0.05").percent(Decimal("50")), Money("0.03"))

    def test_sum_of_nothing_is_zero(self):
        self.assertEqual(Money.sum([], "GBP"), Money.zero("GBP"))

    def test_formatting(self):
        self.assertEqual(str(Money("1234.5")), "€1,234.50")
        self.assertEqual(str(Money("-5", "USD")), "-$5.00")
        self.assertEqual(str(Money("7", "CHF")), "CHF 7.00")


if __name__ == "__main__":
    unittest.main()
