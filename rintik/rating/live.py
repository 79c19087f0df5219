"""Live figures of in-progress invoices: per resource type the segments,
running segments, cost and running cost that the invoice's live lines
sum to at one moment, and what moves them to a later moment exactly.

Between two moments an open invoice's segments keep their shape unless
the clock passes an edge (an interval, window or price version starting
or ending: ``valid_until``); only the last segment of some charge groups
grows with the clock. Such a group's total at any moment is
``round(min(base + rate x used seconds, cap) / 3600)`` (rintik.billing.
charges): it is stored with the moment that total next changes, so the
figures are moved forward only where a rounded total actually changes.
"""

import dataclasses
import datetime
import decimal
import fractions
import math

from rintik.billing import charges
from rintik.billing import money

SECOND = datetime.timedelta(seconds=1)
HOUR_SECONDS = 3600
ZERO = decimal.Decimal(0)


def to_units(amount, currency):
    """A rounded amount as an integer number of minor units."""
    return int(amount.scaleb(money.minor_unit(currency)))


def from_units(units, currency):
    return decimal.Decimal(units).scaleb(-money.minor_unit(currency))


def _floor_second(moment):
    return moment.replace(microsecond=0)


def _ceil_second(moment):
    whole = _floor_second(moment)
    return whole if whole == moment else whole + SECOND


@dataclasses.dataclass
class Totals:
    """One resource type's figures (money in minor units)."""

    segments: int = 0
    running: int = 0
    cost: int = 0
    running_cost: int = 0


@dataclasses.dataclass
class Group:
    """A charge group whose last segment, from ``start``, grows with the
    clock up to ``stops_at``; ``base``, ``rate`` and ``cap`` are the raw
    numerators of charges (before / 3600); totals are minor units."""

    resource_type: str
    running: bool
    start: datetime.datetime
    stops_at: datetime.datetime
    base: decimal.Decimal
    rate: decimal.Decimal
    cap: decimal.Decimal | None
    billed_before: int
    total: int = 0
    next_change_at: datetime.datetime | None = None


@dataclasses.dataclass
class Figures:
    """The live figures of one in-progress invoice at one moment."""

    invoice_id: int
    project_id: str
    totals: dict
    groups: list
    valid_until: datetime.datetime | None


def stored_group(row):
    """The Group of a live_groups row."""
    return Group(row.resource_type, row.running, row.start, row.stops_at,
                 decimal.Decimal(row.base), decimal.Decimal(row.rate),
                 None if row.cap is None else decimal.Decimal(row.cap),
                 row.billed_before, row.total, row.next_change_at)


def group_total(group, moment, policy):
    """The group's total at ``moment``, in minor units."""
    unit = charges.charge_unit_seconds(policy.charge_unit)
    seconds = (min(_floor_second(moment), group.stops_at) -
               group.start) // SECOND
    used = -(-seconds // unit) * unit
    with money.exact_context():
        raw = group.base + group.rate * used
        if group.cap is not None:
            raw = min(raw, group.cap)
    return to_units(money.round_ratio(raw, HOUR_SECONDS, policy.currency),
                    policy.currency)


def next_change(group, policy):
    """The first moment the group's total exceeds ``group.total`` (None:
    not before it stops growing or reaches its cap)."""
    unit = charges.charge_unit_seconds(policy.charge_unit)
    step = from_units(1, policy.currency)
    with money.exact_context():
        # round_ratio rounds half up: total + 1 from this raw amount on.
        threshold = (decimal.Decimal(group.total) + decimal.Decimal('0.5')
                     ) * HOUR_SECONDS * step
    if not group.rate or (group.cap is not None and group.cap < threshold):
        return None
    needed = math.ceil(fractions.Fraction(threshold - group.base) /
                       fractions.Fraction(group.rate))
    used = -(-needed // unit) * unit
    # Charged time reaches ``used`` once a second past used - unit has
    # elapsed.
    reached = group.start + (used - unit + 1) * SECOND
    if reached > group.stops_at:
        return None
    return _ceil_second(reached)


def _stops_at(segment, windows, period_end):
    """Where a growing segment stops: its interval's end, its window's end
    or the period's end."""
    ends = [period_end]
    if segment.interval.end is not None:
        ends.append(segment.interval.end)
    for window in windows:
        if (_floor_second(window.start) <= segment.start and
                window.end is not None and
                _floor_second(window.end) > segment.start):
            ends.append(_floor_second(window.end))
    return min(ends)


def _growing_group(group, moment, windows, period_start, period_end,
                   policy):
    """The Group of charged segments (one group, in time order) whose
    last segment grows with the clock, or None."""
    last = group[-1]
    now = _floor_second(moment)
    stops_at = _stops_at(last, windows, period_end)
    if last.adjusted_end != now or now >= stops_at or last.version is None:
        return None
    numerators, denominator, cap = charges._rating(
        group, charges._group_monthly(group),
        (period_end - period_start) // SECOND,
        charges.charge_unit_seconds(policy.charge_unit),
        policy.monthly_price_mode)
    if denominator != HOUR_SECONDS:
        return None
    with money.exact_context():
        base = sum(numerators[:-1], ZERO)
        rate = last.version.hourly * last.interval.quantity
        before = base if cap is None else min(base, cap)
    result = Group(last.interval.resource_type, last.running, last.start,
                   stops_at, base, rate, cap, to_units(money.round_ratio(
                       before, HOUR_SECONDS, policy.currency),
                       policy.currency))
    result.total = group_total(result, moment, policy)
    result.next_change_at = next_change(result, policy)
    return result if result.next_change_at is not None else None


def _edges(usage, windows, card, moment, policy, period_end):
    """The first moment after ``moment`` at which the clock passes an edge
    of the invoice's segments (None: none ahead)."""
    moments = [period_end] if policy.monthly_price_mode == 'full_month' \
        else []
    for interval in usage:
        moments.append(interval.start)
        if interval.end is not None:
            moments.append(interval.end)
        moments.extend(version.effective_from
                       for version in card.versions_for(interval))
    for window in windows:
        moments.append(window.start)
        if window.end is not None:
            moments.append(window.end)
    now = _floor_second(moment)
    # A comparison with the whole-second clock flips at the edge's ceiling
    # (>=) or at the second after its floor (>): both are edges.
    ahead = [edge for value in moments
             for edge in (_ceil_second(value), _floor_second(value) + SECOND)
             if edge > now]
    return min(ahead) if ahead else None


def figures(invoice, usage, charged, adjustment_segments, windows, card,
            moment, policy):
    """The Figures of an in-progress invoice rated at ``moment``:
    ``charged`` are its charged segments (rintik.rating.invoicing.rate)
    of its ``usage`` (UsageIntervals), ``adjustment_segments`` the
    pending adjustments it shows."""
    totals = {}
    groups = {}
    for segment in charged:
        kind = totals.setdefault(segment.interval.resource_type, Totals())
        charge = to_units(segment.charge, policy.currency)
        kind.segments += 1
        kind.cost += charge
        if segment.running:
            kind.running += 1
            kind.running_cost += charge
        groups.setdefault(charges.group_key(segment), []).append(segment)
    for segment in adjustment_segments:
        kind = totals.setdefault(segment.interval.resource_type, Totals())
        kind.segments += 1
        kind.cost += to_units(segment.charge, policy.currency)
    growing = []
    for segments in groups.values():
        segments.sort(key=lambda segment: segment.start)
        group = _growing_group(segments, moment, windows,
                               invoice.period_start, invoice.period_end,
                               policy)
        if group is not None:
            growing.append(group)
    return Figures(invoice.id, invoice.project_id, totals, growing,
                   _edges(usage, windows, card, moment, policy,
                          invoice.period_end))


def policy_key(policy):
    """What the stored figures depend on in the [billing] options."""
    return '|'.join((policy.timezone, policy.charge_unit,
                     policy.monthly_price_mode, policy.currency))
