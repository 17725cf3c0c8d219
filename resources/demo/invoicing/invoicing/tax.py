"""Tax rates and the tax they put on an amount."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TaxRate:
    name: str
    percent: Decimal

    def tax_on(self, amount):
        return amount.percent(self.percent)

    def label(self):
        return f"{self.name} {self.percent.normalize():f}%"


EXEMPT = TaxRate("Exempt", Decimal("0"))

STANDARD_RATES = {
    "DE": TaxRate("MwSt", Decimal("19")),
    "FR": TaxRate("TVA", Decimal("20")),
    "NL": TaxRate("BTW", Decimal("21")),
    "GB": TaxRate("VAT", Decimal("20")),
    "IE": TaxRate("VAT", Decimal("23")),
}


def rate_for(country_code):
    """The standard rate for a two-letter country code; unknown countries are exempt."""
    return STANDARD_RATES.get(country_code.upper(), EXEMPT)
