"""Rules of the rate card: valid prices, a log of versions, none taking
effect inside an issued period."""

import decimal
import re

from rintik.billing import segments
from rintik.common import formats
from rintik.db.engine import main_context_manager
from rintik.db import ratecard as db_ratecard
from rintik.db import rating_state
from rintik import exception
from rintik.rating import ratecard

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


def in_force(versions, moment):
    """The version row of one key in force at ``moment`` (the log rule of
    rintik.billing.segments.version_at); None when unpriced."""
    version = segments.version_at(
        [ratecard.price_version(row) for row in versions], moment)
    if version is None:
        return None
    return next(row for row in versions if row.id == version.sequence)


def list_prices(context, kind, now):
    """(key row, version in force) of every priced key of ``kind``."""
    result = []
    for key, versions in db_ratecard.keys_with_versions(context, kind):
        version = in_force(versions, now)
        if version is not None:
            result.append((key, version))
    return result


def get_price(context, kind, key_id, now):
    """(key row, version in force); NotFound for an unknown or ended
    key."""
    key, versions = db_ratecard.key_with_versions(context, kind, key_id)
    version = in_force(versions, now)
    if version is None:
        raise exception.NotFound()
    return key, version


def check_effective_from(context, effective_from):
    """Refuse a moment before the end of the newest issued period (any
    project): issued invoices never change. Call under the rating state
    lock, so that no rollover issues a period meanwhile."""
    floor = rating_state.lock(context.session).issued_until
    if floor is not None and effective_from < floor:
        raise exception.Invalid(
            'effective_from must not be before %s, the end of the newest '
            'issued invoice period.' % formats.iso(floor),
            field='effective_from')
    return effective_from


def _append(context, key_id, hourly, monthly, effective_from, now,
            ended=False):
    """Append a version (under the rating state lock: check_effective_from
    first)."""
    db_ratecard.insert_version(context, key_id, hourly, monthly,
                               effective_from or now, now, ended)
    rating_state.changed(context.session)


def create(context, kind, key, hourly, monthly, effective_from, now):
    """Create (kind, key) with its first version, or give a deleted key a
    new version; Duplicate when the key is live. Returns the key id."""
    key = check_kind(kind, key)
    hourly, monthly = _amounts(hourly, monthly)
    with main_context_manager.writer.using(context):
        check_effective_from(context, effective_from or now)
        row = db_ratecard.find_key(context, kind, key)
        if row is None:
            key_id = db_ratecard.insert_key(context, kind, key, now)
        else:
            key_id = row.id
            _key, versions = db_ratecard.key_with_versions(context, kind,
                                                           key_id)
            if in_force(versions, now) is not None:
                raise exception.Duplicate()
        _append(context, key_id, hourly, monthly, effective_from, now)
    return key_id


def add_version(context, kind, key_id, hourly, monthly, effective_from,
                now):
    """A new version of a live key; NotFound otherwise."""
    hourly, monthly = _amounts(hourly, monthly)
    with main_context_manager.writer.using(context):
        check_effective_from(context, effective_from or now)
        get_price(context, kind, key_id, now)
        _append(context, key_id, hourly, monthly, effective_from, now)


def end_price(context, kind, key_id, now):
    """End a live key from now: usage after it is unpriced."""
    with main_context_manager.writer.using(context):
        check_effective_from(context, now)
        get_price(context, kind, key_id, now)
        _append(context, key_id, None, None, None, now, ended=True)


def _amounts(hourly, monthly):
    return (check_amount('hourly_price', hourly),
            check_amount('monthly_price', monthly, required=False))


def set_price(context, kind, key, hourly, monthly, effective_from, now):
    """Add a version to (kind, key), creating the key if needed; returns
    the key id."""
    row = db_ratecard.find_key(context, kind, check_kind(kind, key))
    if row is not None:
        try:
            add_version(context, kind, row.id, hourly, monthly,
                        effective_from, now)
            return row.id
        except exception.NotFound:
            pass
    return create(context, kind, key, hourly, monthly, effective_from, now)
