"""Invoice periods: calendar months in an IANA time zone, expressed in UTC."""

import datetime
import zoneinfo

UTC = datetime.timezone.utc


def _zone(tz):
    return zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz


def _require_aware(moment):
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError('naive datetime: %r' % (moment,))


def _month_start(year, month, zone):
    # fold=0: a midnight skipped by DST maps to the transition instant,
    # an ambiguous midnight to its first occurrence.
    return datetime.datetime(year, month, 1, tzinfo=zone).astimezone(UTC)


def period_start(moment, tz):
    """Return the start (the 1st, 00:00 local) of the month containing moment.

    ``moment`` must be timezone-aware; ``tz`` is an IANA name or a tzinfo.
    The result is an aware UTC datetime.
    """
    _require_aware(moment)
    zone = _zone(tz)
    local = moment.astimezone(zone)
    return _month_start(local.year, local.month, zone)


def next_period_start(start, tz):
    """Return the start of the period following the one containing start."""
    _require_aware(start)
    zone = _zone(tz)
    local = start.astimezone(zone)
    year, month = divmod(local.year * 12 + local.month, 12)
    return _month_start(year, month + 1, zone)


def periods_between(a, b, tz):
    """Yield the (start, end) UTC pairs of the periods overlapping [a, b)."""
    _require_aware(b)
    start = period_start(a, tz)
    while start < b:
        end = next_period_start(start, tz)
        yield start, end
        start = end
