"""Price versions, billing windows and invoice segments."""

import dataclasses
import datetime
from decimal import Decimal

from rintik.billing import usage

# Price kind of each billable resource type.
PRICE_KINDS = {
    'instance': 'flavor',
    'volume': 'volume',
    'floating_ip': 'floating_ip',
    'router': 'router',
    'snapshot': 'snapshot',
    'image': 'image',
}
# Kinds priced per key (flavor id, volume type id); the others have key None.
KEYED_KINDS = frozenset({'flavor', 'volume'})

_SECOND = datetime.timedelta(seconds=1)


@dataclasses.dataclass(frozen=True)
class PriceVersion:
    """One version of a price; ``ended`` means no price from effective_from.

    ``sequence`` orders a key's versions as they were added (the rate card
    is a log: PRODUCT.md §2.2).
    """

    kind: str
    key: str | None
    effective_from: datetime.datetime
    hourly: Decimal
    monthly: Decimal | None
    ended: bool = False
    sequence: int = 0


@dataclasses.dataclass(frozen=True)
class Window:
    """A billing window [start, end); ``end`` None = still open."""

    start: datetime.datetime
    end: datetime.datetime | None


@dataclasses.dataclass(frozen=True, slots=True)
class Segment:
    """The part of an interval in one period, one window and one price:
    an invoice segment, cut (cut_segments), charged
    (rintik.billing.charges.charge_groups) or stored.

    ``adjusted_end`` is the instant the segment is charged up to; ``end`` is
    None only for a running segment of the still-open period. ``version``
    is the price in force (None: unpriced, or not known, as for a stored
    or adjustment segment, whose ``interval`` is the segment's own extent).
    ``charge``, ``hourly`` (the segment's own hourly price) and
    ``monthly`` (the monthly price governing its charge group) are None
    until it is charged; ``name`` is its resource's display name. An
    adjustment segment carries what issued invoice it adjusts.
    """

    interval: usage.UsageInterval
    start: datetime.datetime
    adjusted_end: datetime.datetime
    version: PriceVersion | None
    running: bool = False
    name: str | None = None
    charge: Decimal | None = None
    hourly: Decimal | None = None
    monthly: Decimal | None = None
    adjustment: bool = False
    adjusted_invoice_id: int | None = None

    @property
    def end(self):
        return None if self.running else self.adjusted_end

    @property
    def seconds(self):
        return (self.adjusted_end - self.start) // _SECOND

    @property
    def unpriced(self):
        """Whether no price applies: no version in force, and no hourly
        price (which a stored or adjustment segment has when priced)."""
        return self.version is None and self.hourly is None


def _whole_second(moment):
    return moment.replace(microsecond=0) if moment.microsecond else moment


def price_kind(resource_type):
    """Return the price kind of a resource type; ValueError if unknown."""
    try:
        return PRICE_KINDS[resource_type]
    except KeyError:
        raise ValueError('unknown resource type: %r'
                         % (resource_type,)) from None


def version_at(versions, moment):
    """Return the version of one key in force at ``moment`` (None =
    unpriced).

    ``versions`` are the key's versions in the order they were added. The
    rate card is a log: the most recently added version whose
    effective_from (in whole seconds) is not after ``moment`` applies,
    else the first version added; an ``ended`` version means no price.
    """
    if not versions:
        return None
    version = versions[0]
    for candidate in versions:
        if _whole_second(candidate.effective_from) <= moment:
            version = candidate
    return None if version.ended else version


def _split_at_prices(interval, start, end, versions, running, name):
    """Pieces of [start, end) cut where the version in force changes."""
    edges = [start]
    current = version_at(versions, start)
    for change in sorted({_whole_second(v.effective_from)
                          for v in versions}):
        if start < change < end:
            version = version_at(versions, change)
            if version != current:
                edges.append(change)
                current = version
    edges.append(end)
    return [Segment(interval, a, b, version_at(versions, a),
                    running and b == end, name)
            for a, b in zip(edges, edges[1:])]


def cut_segments(interval, period_start, period_end, windows, versions, now,
                 name=None):
    """Cut ``interval`` into invoice segments of one period.

    Keeps the time inside [period_start, min(period_end, now)) and inside a
    billing window (windows must not overlap), cut where the price in force
    changes. ``versions`` are the versions of the interval's price key in
    the order they were added. ``now``, window edges and price changes are
    truncated to whole seconds. Returns the segments (of the resource
    named ``name``) in time order.
    """
    now = _whole_second(now)
    segments = []
    for window in sorted(windows, key=lambda w: w.start):
        window_end = None if window.end is None else _whole_second(window.end)
        start = max(interval.start, period_start, _whole_second(window.start))
        end = min(t for t in (interval.end, window_end, period_end, now)
                  if t is not None)
        if start >= end:
            continue
        # Still running: its end is unknown even after the period ended,
        # until the rollover closes the invoice (PRODUCT.md §3.1).
        running = (interval.end is None
                   and (window_end is None or window_end > now))
        segments.extend(_split_at_prices(interval, start, end, versions,
                                         running, name))
    return segments
