"""Values as the API, the notices and rintik-manage spell them: the one
datetime format of the API (``iso``), money in the currency's minor unit
(``money_text``) and prices with their stored digits (``price_text``)."""

import datetime
import decimal

from rintik.billing import money


def iso(moment):
    """The API's one datetime format (dashboard-api.md), or None: ISO
    8601 in UTC with six fraction digits and ``Z``, e.g.
    ``2026-11-25T09:10:50.903005Z``. A naive datetime is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.replace(tzinfo=None).isoformat(
        timespec='microseconds') + 'Z'


def money_text(amount, currency):
    """An amount with the currency's minor-unit decimals, or None."""
    if amount is None:
        return None
    return format(money.quantize_money(amount, currency), 'f')


def price_text(amount, currency):
    """A price keeping its stored digits: at least the minor unit, at
    most 8 decimals."""
    if amount is None:
        return None
    digits = max(money.minor_unit(currency),
                 min(8, -amount.normalize().as_tuple().exponent))
    return format(amount.quantize(decimal.Decimal(1).scaleb(-digits)), 'f')
