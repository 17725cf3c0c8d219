import unittest
from decimal import Decimal

from invoicing.discount import FixedDiscount, PercentageDiscount, discount_for_code
from invoicing.money import Money


class DiscountTest(unittest.TestCase):
    def test_percentage(self):
        discount = PercentageDiscount(Decimal("10"))
        self.assertEqual(discount.amount_off(Money("80.00")), Money("8.00"))

    def test_percentage_must_be_between_0_and_100(self):
        with self.assertRaises(ValueError):
            PercentageDiscount(Decimal("120"))

    def test_fixed_discount_never_exceeds_the_subtotal(self):
        voucher = FixedDiscount(Money("50.00"))
        self.assertEqual(voucher.amount_off(Money("80.00")), Money("50.00"))
        self.assertEqual(voucher.amount_off(Money("30.00")), Money("30.00"))

    def test_promotion_codes(self):
        self.assertEqual(discount_for_code(" spring25 ").percent, Decimal("25"))
        with self.assertRaises(ValueError):
            discount_for_code("FREESTUFF")


if __name__ == "__main__":
    unittest.main()
