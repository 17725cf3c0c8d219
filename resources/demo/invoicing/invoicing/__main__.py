"""Prints a sample invoice: python3 -m invoicing"""

from datetime import date
from decimal import Decimal

from invoicing import Invoice, Money, discount_for_code, rate_for, render_text


def sample_invoice():
    invoice = Invoice("2024-0042", "Acme GmbH", date(2024, 3, 1), tax_rate=rate_for("DE"))
    invoice.add_line("Consulting (hours)", Decimal("12"), Money("95.00"))
    invoice.add_line("Travel", Decimal("1"), Money("184.30"))
    invoice.discount = discount_for_code("WELCOME10")
    return invoice


if __name__ == "__main__":
    print(render_text(sample_invoice()), end="")
