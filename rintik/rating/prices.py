"""Rules of the rate card: valid prices, versions only in open periods."""

import decimal
import re

from rintik.billing import periods
from rintik.db import invoices as db_invoices
from rintik.db import ratecard as db_ratecard
from rintik import exception

KINDS = ('flavor', 'volume', 'floating_ip', 'router', 'snapshot', 'image')
KEYED = {'flavor': 'flavor_id', 'volume': 'volume_type_id'}
MAX_DECIMALS = 8
MAX_DIGITS = 20
AMOUNT_TEXT = re.compile('[0-9]+(?:[.][0-9]+)?', re.ASCII)


def check_kind(kind, key):
    """Keyed kinds need a key, single-price kinds have none."""
    if kind not in KINDS:
        raise exception.Invalid('Unknown price kind %s.' % kind)
    if kind in KEYED and not key:
        raise exception.Invalid('A %s price needs its %s.'
                                % (kind, KEYED[kind]), field=KEYED[kind])
    if kind not in KEYED and key:
        raise exception.Invalid('A %s price has no key.' % kind)
    return key or ''


def amount_text(value):
    """The text a money input was given as: a string itself, a JSON
    number's text as sent (api.utils.parse_json keeps it in ``text``),
    else the number written out without exponent. None for anything
    else (a bool, a float, a list...)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int,
                                                         decimal.Decimal)):
        return None
    text = getattr(value, 'text', None)
    if text is not None:
        return text
    return str(value) if isinstance(value, int) else format(value, 'f')


def check_amount(field, value, required=True):
    """A price or amount as Decimal: digits, optionally a point and
    digits (``^[0-9]+(\\.[0-9]+)?$`` on its text, ASCII digits only: no
    sign, exponent, underscore, space or other script), at most 8
    decimals and 12 digits before the point."""
    def invalid(problem):
        return exception.Invalid('%s %s.' % (field, problem), field=field)

    if value is None:
        if required:
            raise invalid('is required')
        return None
    text = amount_text(value)
    if text is None or not AMOUNT_TEXT.fullmatch(text):
        if text and text[0] == '-' and AMOUNT_TEXT.fullmatch(text[1:]):
            raise invalid('must not be negative')
        raise invalid('must be a decimal number')
    whole, _point, fraction = text.partition('.')
    if len(fraction.rstrip('0')) > MAX_DECIMALS:
        raise invalid('has more than %d decimal places' % MAX_DECIMALS)
    if len(whole.lstrip('0')) > MAX_DIGITS - MAX_DECIMALS:
        raise invalid('is too large')
    return decimal.Decimal(text)


def oldest_open_period_start(context, policy, now):
    """Start of the oldest period not yet invoiced: versions may not take
    effect before it, so issued invoices never change."""
    current = periods.period_start(now, policy.timezone)
    oldest = db_invoices.oldest_open_period(context)
    return current if oldest is None else min(oldest, current)


def check_effective_from(context, policy, effective_from, now):
    if effective_from is None:
        return None
    if effective_from < oldest_open_period_start(context, policy, now):
        raise exception.Invalid(
            'effective_from is before the oldest open invoice period.',
            field='effective_from')
    return effective_from


def _checked(context, policy, hourly, monthly, effective_from, now):
    return (check_amount('hourly_price', hourly),
            check_amount('monthly_price', monthly, required=False),
            check_effective_from(context, policy, effective_from, now))


def create(context, policy, kind, key, hourly, monthly, effective_from,
           now):
    """Create (kind, key) with its first version, or give a deleted key a
    new version; Duplicate when the key is live. Returns the key id."""
    key = check_kind(kind, key)
    return db_ratecard.create_price(
        context, kind, key,
        *_checked(context, policy, hourly, monthly, effective_from, now),
        now=now)


def add_version(context, policy, kind, key_id, hourly, monthly,
                effective_from, now):
    """A new version of a live key; NotFound otherwise."""
    db_ratecard.add_version(
        context, kind, key_id,
        *_checked(context, policy, hourly, monthly, effective_from, now),
        now=now)


def set_price(context, policy, kind, key, hourly, monthly, effective_from,
              now):
    """Add a version to (kind, key), creating the key if needed; returns
    the key id."""
    row = db_ratecard.find_key(context, kind, check_kind(kind, key))
    if row is not None:
        try:
            add_version(context, policy, kind, row.id, hourly, monthly,
                        effective_from, now)
            return row.id
        except exception.NotFound:
            pass
    return create(context, policy, kind, key, hourly, monthly,
                  effective_from, now)
