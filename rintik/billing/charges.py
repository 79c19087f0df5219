"""Charging invoice segments: charge unit, monthly price and rounding."""

import dataclasses
import datetime
from decimal import Decimal

from rintik.billing import money

CHARGE_UNITS = {'second': 1, 'minute': 60, 'hour': 3600}
MONTHLY_PRICE_MODES = frozenset({'cap', 'full_month'})

_SECONDS_PER_HOUR = 3600
_SECOND = datetime.timedelta(seconds=1)


@dataclasses.dataclass(frozen=True)
class GroupKey:
    """One resource, price key and quantity: a group (within one period)."""

    project_id: str
    resource_type: str
    resource_id: str
    price_key: str | None
    quantity: Decimal


def group_key(segment):
    """Return the GroupKey of ``segment``."""
    interval = segment.interval
    return GroupKey(interval.project_id, interval.resource_type,
                    interval.resource_id, interval.price_key,
                    interval.quantity)


def charge_unit_seconds(charge_unit):
    """Return the length in seconds of a charge unit; ValueError if unknown."""
    try:
        return CHARGE_UNITS[charge_unit]
    except KeyError:
        raise ValueError('unknown charge unit: %r' % (charge_unit,)) from None


def _group_monthly(group):
    """Monthly price of the version in force at the group's end (priced)."""
    priced = [s.version for s in group if s.version is not None]
    return priced[-1].monthly if priced else None


def _rating(group, monthly, period_seconds, unit, monthly_price_mode):
    """Return (numerators, denominator, cap) of a time-ordered group.

    A segment's raw charge is its numerator / denominator; the raw running
    total is min(sum of numerators, cap) / denominator. All of it is exact
    (the caller is in money.exact_context()).
    """
    quantity = group[0].interval.quantity
    if (monthly_price_mode == 'full_month' and monthly is not None
            and all(s.version is not None for s in group)
            and sum(s.seconds for s in group) == period_seconds):
        # Billable all period: the month's price, spread over its seconds.
        return ([monthly * quantity * s.seconds for s in group],
                period_seconds, None)
    numerators = [
        Decimal(0) if s.version is None else
        s.version.hourly * quantity * (-(-s.seconds // unit) * unit)
        for s in group]
    cap = None
    if monthly_price_mode == 'cap' and monthly is not None:
        cap = monthly * quantity * _SECONDS_PER_HOUR
    return numerators, _SECONDS_PER_HOUR, cap


def _charge_group(group, period_seconds, unit, monthly_price_mode, currency):
    """The Segments of a time-ordered group with their charge, hourly
    price and monthly price (that of the version in force at the group's
    end; both prices None when unpriced), in money.exact_context()."""
    monthly = _group_monthly(group)
    numerators, denominator, cap = _rating(group, monthly, period_seconds,
                                           unit, monthly_price_mode)
    charged = []
    running = Decimal(0)
    billed = money.zero(currency)
    for segment, numerator in zip(group, numerators):
        running += numerator
        total = running if cap is None else min(running, cap)
        after = money.round_ratio_exact(total, denominator, currency)
        version = segment.version
        charged.append(dataclasses.replace(
            segment, charge=after - billed,
            hourly=None if version is None else version.hourly,
            monthly=None if version is None else monthly))
        billed = after
    return charged


def charge_groups(segments, period_start, period_end, charge_unit='second',
                  monthly_price_mode='cap', currency='USD'):
    """Charge the segments of one period; return them charged, in order.

    Segments are grouped by GroupKey; each group is charged in time order on
    its running total, rounded half-up to the currency's minor unit, so a
    group's total is the rounding of its raw total. Unpriced segments cost 0.
    """
    if monthly_price_mode not in MONTHLY_PRICE_MODES:
        raise ValueError('unknown monthly price mode: %r'
                         % (monthly_price_mode,))
    unit = charge_unit_seconds(charge_unit)
    period_seconds = (period_end - period_start) // _SECOND
    groups = {}
    for index, segment in enumerate(segments):
        interval = segment.interval
        # GroupKey's fields as a plain tuple: the same grouping, hashed
        # once per segment.
        groups.setdefault((interval.project_id, interval.resource_type,
                           interval.resource_id, interval.price_key,
                           interval.quantity), []).append(index)
    result = [None] * len(segments)
    with money.exact_context():
        for indices in groups.values():
            indices.sort(key=lambda i: segments[i].start)
            charged = _charge_group([segments[i] for i in indices],
                                    period_seconds, unit, monthly_price_mode,
                                    currency)
            for index, segment in zip(indices, charged):
                result[index] = segment
    return result
