"""Builders shared by the billing unit tests."""

import datetime
from decimal import Decimal

from rintik.billing import charges
from rintik.billing import segments
from rintik.billing import usage

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=UTC)
ALWAYS = [segments.Window(EPOCH, None)]
JUNE = (datetime.datetime(2024, 6, 1, tzinfo=UTC),
        datetime.datetime(2024, 7, 1, tzinfo=UTC))
AFTER_JUNE = datetime.datetime(2024, 7, 5, tzinfo=UTC)


def at(year, month, day, hour=0, minute=0, second=0):
    return datetime.datetime(year, month, day, hour, minute, second,
                             tzinfo=UTC)


def interval(start, end=None, resource_type='instance', resource_id='vm-1',
             price_key='m1.small', quantity='1', project_id='p1'):
    return usage.UsageInterval(resource_type, resource_id, project_id,
                               price_key, Decimal(quantity), start, end)


def price(hourly, monthly=None, kind='flavor', key='m1.small', since=EPOCH,
          ended=False, sequence=0):
    return segments.PriceVersion(
        kind, key, since, Decimal(hourly),
        None if monthly is None else Decimal(monthly), ended, sequence)


def own_versions(usage, versions):
    """The versions of ``usage``'s price key, as the rate card gives."""
    kind = segments.price_kind(usage.resource_type)
    key = usage.price_key if kind in segments.KEYED_KINDS else None
    return [v for v in versions if (v.kind, v.key) == (kind, key)]


def rate(intervals, versions, period=JUNE, now=AFTER_JUNE, windows=ALWAYS,
         **options):
    """Cut every interval in ``period`` and charge the segments."""
    cut = [s for i in intervals
           for s in segments.cut_segments(i, period[0], period[1], windows,
                                          own_versions(i, versions), now)]
    return charges.charge_groups(cut, period[0], period[1], **options)


def amounts(charged):
    return [c.charge for c in charged]


def total(charged):
    return sum(amounts(charged), Decimal(0))
