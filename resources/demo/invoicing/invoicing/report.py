"""Plain-text invoices and revenue summaries."""

from collections import defaultdict

from invoicing.money import Money

WIDTH = 64


def _row(label, amount):
    text = str(amount)
    return f"{label}{text:>{WIDTH - len(label)}}"


def render_text(invoice):
    """The invoice as fixed-width text, one line per item and the totals below."""
    out = [
        f"INVOICE {invoice.number}",
        f"Customer: {invoice.customer}",
        f"Issued:   {invoice.issued.isoformat()}    Due: {invoice.due_date().isoformat()}",
        "-" * WIDTH,
    ]
    for line in invoice.lines:
        label = f"{line.description} ({line.quantity} x {line.unit_price})"
        out.append(_row(label, line.total()))
    out.append("-" * WIDTH)
    out.append(_row("Subtotal", invoice.subtotal()))
    if invoice.discount is not None:
        out.append(_row(f"Discount ({invoice.discount.describe()})", -invoice.discount_amount()))
    out.append(_row(invoice.tax_rate.label(), invoice.tax_amount()))
    out.append(_row("Total", invoice.total()))
    return "\n".join(out) + "\n"


def revenue_by_customer(invoices):
    """Total invoiced per customer, largest first; all invoices must share one currency."""
    totals = defaultdict(list)
    currency = None
    for invoice in invoices:
        currency = currency or invoice.currency
        totals[invoice.customer].append(invoice.total())
    summed = {name: Money.sum(amounts, currency) for name, amounts in totals.items()}
    return sorted(summed.items(), key=lambda item: (-item[1].amount, item[0]))
