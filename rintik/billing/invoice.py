"""Invoice totals and adjustments for re-rated closed periods."""

import dataclasses
from decimal import Decimal

from rintik.billing.charges import group_key
from rintik.billing import money


@dataclasses.dataclass(frozen=True)
class InvoiceTotals:
    """Totals of an invoice: subtotal + tax = total, all in minor units."""

    subtotal: Decimal
    tax: Decimal
    total: Decimal


def invoice_totals(charges, tax_percent, currency):
    """Return the InvoiceTotals of one invoice's charges (in minor units)."""
    with money.exact_context():
        subtotal = money.quantize_money(sum(charges, Decimal(0)), currency)
        tax = money.quantize_money(subtotal * tax_percent / 100, currency)
        return InvoiceTotals(subtotal, tax, subtotal + tax)


def group_totals(charged_segments):
    """Return {GroupKey: total charge} of charged Segments of one period."""
    totals = {}
    with money.exact_context():
        for segment in charged_segments:
            key = group_key(segment)
            totals[key] = totals.get(key, Decimal(0)) + segment.charge
    return totals


def adjustment_for_group(rerated_group_total, already_billed):
    """Return the adjustment of a group: re-rated total − already billed."""
    with money.exact_context():
        return rerated_group_total - already_billed


def adjustments(rerated, billed):
    """Return {GroupKey: adjustment} for a closed period, non-zero ones only.

    ``rerated`` and ``billed`` map GroupKey to group totals (see
    group_totals): the period re-rated with all usage known now, and what
    its invoice and earlier adjustments already billed. A group missing on
    one side counts as 0 there.
    """
    result = {}
    for key in list(rerated) + [k for k in billed if k not in rerated]:
        amount = adjustment_for_group(rerated.get(key, Decimal(0)),
                                      billed.get(key, Decimal(0)))
        if amount:
            result[key] = amount
    return result
