import unittest
from decimal import Decimal

from invoicing.line_item import LineItem
from invoicing.money import Money


class LineItemTest(unittest.TestCase):
    def test_total_is_quantity_times_unit_price(self):
        item = LineItem("Widget", Decimal("3"), Money("4.99"))
        self.assertEqual(item.total(), Money("14.97"))

    def test_fractional_quantities_round_to_the_cent(self):
        item = LineItem("Consulting (hours)", Decimal("1.25"), Money("95.50"))
        self.assertEqual(item.total(), Money("119.38"))

    def test_quantity_must_be_positive(self):
        with self.assertRaises(ValueError):
            LineItem("Widget", Decimal("0"), Money("4.99"))

    def test_description_is_required(self):
        with self.assertRaises(ValueError):
            LineItem("  ", Decimal("1"), Money("4.99"))


if __name__ == "__main__":
    unittest.main()
