"""Currencies, exact decimal arithmetic and half-up rounding to minor units."""

import decimal
from decimal import Decimal
import functools

# ISO 4217 minor units (digits after the decimal point).
MINOR_UNITS = {
    # three decimals
    'BHD': 3, 'IQD': 3, 'JOD': 3, 'KWD': 3, 'LYD': 3, 'OMR': 3, 'TND': 3,
    # no decimals
    'BIF': 0, 'CLP': 0, 'DJF': 0, 'GNF': 0, 'ISK': 0, 'JPY': 0, 'KMF': 0,
    'KRW': 0, 'PYG': 0, 'RWF': 0, 'UGX': 0, 'VND': 0, 'VUV': 0, 'XAF': 0,
    'XOF': 0, 'XPF': 0,
    # two decimals
    'AED': 2, 'ARS': 2, 'AUD': 2, 'BDT': 2, 'BRL': 2, 'CAD': 2, 'CHF': 2,
    'CNY': 2, 'COP': 2, 'CZK': 2, 'DKK': 2, 'EGP': 2, 'EUR': 2, 'GBP': 2,
    'HKD': 2, 'HUF': 2, 'IDR': 2, 'ILS': 2, 'INR': 2, 'KES': 2, 'MXN': 2,
    'MYR': 2, 'NGN': 2, 'NOK': 2, 'NZD': 2, 'PEN': 2, 'PHP': 2, 'PKR': 2,
    'PLN': 2, 'QAR': 2, 'RON': 2, 'RUB': 2, 'SAR': 2, 'SEK': 2, 'SGD': 2,
    'THB': 2, 'TRY': 2, 'TWD': 2, 'UAH': 2, 'USD': 2, 'ZAR': 2,
}

_EXACT_PRECISION = 80
_ERROR_TRAPS = [decimal.InvalidOperation, decimal.DivisionByZero,
                decimal.Overflow]


def minor_unit(currency):
    """Return the ISO 4217 minor unit of a currency; ValueError if unknown."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValueError('unknown currency: %r' % (currency,)) from None


def exact_context():
    """A decimal context in which any rounded result raises decimal.Inexact.

    Precision is high (80 digits) so that every product and sum of prices,
    quantities and durations is exact; an operation that would lose a digit
    fails loudly instead of rounding silently.
    """
    return decimal.localcontext(prec=_EXACT_PRECISION,
                                traps=_ERROR_TRAPS + [decimal.Inexact])


@functools.lru_cache(maxsize=None)
def _step(currency):
    return Decimal(1).scaleb(-minor_unit(currency))


@functools.lru_cache(maxsize=None)
def zero(currency):
    """0 in the currency's minor unit (0.00 for USD)."""
    return quantize_money(Decimal(0), currency)


# The context of quantize_money (passed to quantize, not entered: a
# localcontext per amount costs more than the rounding).
_QUANTIZE_CONTEXT = decimal.Context(prec=_EXACT_PRECISION,
                                    traps=_ERROR_TRAPS)


def quantize_money(amount, currency):
    """Round ``amount`` half-up (away from zero on ties) to the minor unit."""
    return amount.quantize(_step(currency), rounding=decimal.ROUND_HALF_UP,
                           context=_QUANTIZE_CONTEXT)


def round_ratio(numerator, denominator, currency):
    """Round ``numerator / denominator`` half-up to the minor unit, exactly.

    The quotient is never materialised as a (possibly repeating) decimal:
    an exact integer division by ``denominator × step`` and a comparison of
    the remainder decide the rounding. ``denominator`` must be positive.
    """
    with exact_context():
        return round_ratio_exact(numerator, denominator, currency)


def round_ratio_exact(numerator, denominator, currency):
    """round_ratio for a caller already in exact_context() (a loop over
    many amounts enters it once)."""
    step = _step(currency)
    unit = denominator * step
    units, rest = divmod(abs(numerator), unit)
    if 2 * rest >= unit:
        units += 1
    amount = units * step
    return -amount if numerator < 0 else amount
