"""Rating one project's period into invoice segments, with adjustments for
closed periods whose usage changed after they were invoiced."""

import dataclasses
import datetime
import decimal
import hashlib

from rintik.billing import charges
from rintik.billing import invoice as invoice_maths
from rintik.billing import segments as billing_segments
from rintik.billing import usage
from rintik.db import changes as db_changes
from rintik.db import invoices as db_invoices
from rintik.db import settings as db_settings
from rintik.db import usage as db_usage
from rintik.rating import ratecard


@dataclasses.dataclass(frozen=True)
class Policy:
    """The [billing] options that shape charges."""

    timezone: str
    charge_unit: str
    monthly_price_mode: str
    currency: str

    @classmethod
    def from_conf(cls, conf):
        return cls(conf.billing.timezone, conf.billing.charge_unit,
                   conf.billing.monthly_price_mode, conf.billing.currency)


def rate(named_usage, period_start, period_end, windows, card, now, policy):
    """The charged Segments in one period of ``named_usage``
    [(UsageInterval, its resource's name)] (db.usage.project_usage; those
    outside the period have none)."""
    cut = []
    for interval, name in named_usage:
        if not interval.overlaps(period_start, period_end):
            continue
        cut.extend(billing_segments.cut_segments(
            interval, period_start, period_end, windows,
            card.versions_for(interval), now, name))
    return charges.charge_groups(
        cut, period_start, period_end, policy.charge_unit,
        policy.monthly_price_mode, policy.currency)


def windows_of(context):
    return [billing_segments.Window(row.start, row.end)
            for row in db_settings.windows(context)]


def _by_group(segments):
    """{GroupKey: its segments, in the order given}."""
    groups = {}
    for segment in segments:
        groups.setdefault(charges.group_key(segment), []).append(segment)
    return groups


@dataclasses.dataclass(frozen=True)
class Adjustment:
    """An adjustment segment with the moment (database clock) the first
    change it carries was recorded."""

    segment: billing_segments.Segment
    recorded_at: datetime.datetime


def adjustments(context, project_id, invoices, changes, windows, policy,
                cards=None):
    """Adjustments of one project's issued invoices for its recorded usage
    ``changes`` (see adjustments_of)."""
    return adjustments_of(context, {project_id: invoices},
                          {project_id: changes}, windows, policy,
                          cards).get(project_id, [])


def adjustments_of(context, invoices, changes, windows, policy, cards=None):
    """{project id: Adjustments} of the projects' issued invoices
    (``invoices``: {project id: its invoices}) for their recorded usage
    ``changes`` ({project id: changes}) (PRODUCT.md §3.5): each issued
    period the changes reach is re-rated with the rate card it was issued
    with, minus what it and its issued adjustments already billed.

    Set-based for any number of projects and periods: one usage and one
    billed-segments read (per chunk of changed resources), and one rate
    card load per revision not in ``cards`` (a cache by revision a run
    keeps across calls)."""
    cards = {} if cards is None else cards
    reached = {}
    for project_id, project_changes in changes.items():
        pairs = _reached(invoices.get(project_id, []), project_changes)
        if pairs:
            reached[project_id] = pairs
    if not reached:
        return {}
    pairs = [pair for project_pairs in reached.values()
             for pair in project_pairs]
    for invoice, _recorded in pairs:
        if invoice.ratecard_revision not in cards:
            cards[invoice.ratecard_revision] = ratecard.RateCard.load(
                context, invoice.ratecard_revision)
    keys = set()
    for _invoice, recorded in pairs:
        keys.update(recorded)
    named_usage = {}
    for interval, name in db_usage.project_usage(
            context, sorted(reached),
            min(invoice.period_start for invoice, _recorded in pairs),
            max(invoice.period_end for invoice, _recorded in pairs), keys):
        named_usage.setdefault(interval.project_id, []).append(
            (interval, name))
    billed = {}
    for row in db_invoices.billed_segments(
            context, [invoice.id for invoice, _recorded in pairs], keys):
        about = row.adjusted_invoice_id if row.adjustment else row.invoice_id
        billed.setdefault(about, []).append(row)
    return {project_id: [
        adjustment for invoice, recorded in project_pairs
        for adjustment in _invoice_adjustments(
            project_id, invoice, recorded, named_usage.get(project_id, []),
            billed.get(invoice.id, []), windows,
            cards[invoice.ratecard_revision], policy)]
        for project_id, project_pairs in reached.items()}


def _reached(invoices, changes):
    """[(issued invoice, {(resource type, id): when its first change
    reaching that period was recorded})] of the invoices ``changes``
    reach."""
    result = []
    for invoice in invoices:
        if invoice.state == db_invoices.IN_PROGRESS:
            continue
        recorded = {}
        for change in changes:
            if change.changed_from < invoice.period_end:
                key = (change.resource_type, change.resource_id)
                recorded[key] = min(change.recorded_at,
                                    recorded.get(key, change.recorded_at))
        if recorded:
            result.append((invoice, recorded))
    return result


def _invoice_adjustments(project_id, invoice, recorded, named_usage,
                         billed_rows, windows, card, policy):
    """Adjustments of one issued invoice: its period re-rated from the
    project's ``named_usage`` (see rate) of the ``recorded`` resources,
    minus what ``billed_rows`` (about this invoice) billed for them."""
    named_usage = [
        (interval, name) for interval, name in named_usage
        if (interval.resource_type, interval.resource_id) in recorded]
    charged = rate(named_usage, invoice.period_start, invoice.period_end,
                   windows, card, invoice.period_end, policy)
    billed = [stored_segment(project_id, row) for row in billed_rows
              if (row.resource_type, row.resource_id) in recorded]
    rerated_groups, billed_groups = _by_group(charged), _by_group(billed)
    return [Adjustment(_adjustment(key, amount, rerated_groups.get(key),
                                   billed_groups.get(key), invoice),
                       recorded[(key.resource_type, key.resource_id)])
            for key, amount in invoice_maths.adjustments(
                invoice_maths.group_totals(charged),
                invoice_maths.group_totals(billed)).items()]


def placed(adjustment_list, closing, now):
    """{invoice id: adjustment segments} over the invoices ``closing`` at
    ``now`` (oldest first): each on the invoice whose period holds the
    moment its change was recorded, as a rollover at each boundary would
    have put it; earlier changes on the first, later ones on the last. A
    change recorded after ``now`` (a rollover run for a past moment) goes
    where the live view showed it: on the oldest invoice."""
    result = {invoice.id: [] for invoice in closing}
    for adjustment in adjustment_list:
        target = closing[-1]
        for invoice in closing:
            if adjustment.recorded_at >= now or \
                    adjustment.recorded_at < invoice.period_end:
                target = invoice
                break
        result[target.id].append(adjustment.segment)
    return result


def _adjustment(key, amount, rerated, billed, invoice):
    """The adjustment segment of one charge group (GroupKey ``key``) of
    an issued ``invoice``: over the ``rerated`` segments' extent, else
    the extent of the first segment it billed (of ``billed``)."""
    if rerated:
        first, last = rerated[0], rerated[-1]
        start, end, name = first.start, last.adjusted_end, first.name
        hourly, monthly = last.hourly, last.monthly
    else:
        first = billed[0]
        start, end, name = first.start, first.adjusted_end, first.name
        hourly, monthly = first.hourly, first.monthly
    return billing_segments.Segment(
        usage.UsageInterval(key.resource_type, key.resource_id,
                            key.project_id, key.price_key, key.quantity,
                            start, end),
        start, end, None, name=name, charge=amount, hourly=hourly,
        monthly=monthly, adjustment=True, adjusted_invoice_id=invoice.id)


def totals(segments, tax_percent, currency):
    """Subtotal, tax and total of an invoice's segments."""
    return invoice_maths.invoice_totals(
        [segment.charge for segment in segments],
        decimal.Decimal(tax_percent), currency)


def stored_segment(project_id, row):
    """The Segment of a stored invoice segment ``row`` of ``project_id``
    (no price version: its prices are the stored ones)."""
    return billing_segments.Segment(
        usage.UsageInterval(row.resource_type, row.resource_id, project_id,
                            row.price_key, row.quantity, row.start, row.end),
        row.start, row.end, None, name=row.name, charge=row.charge,
        hourly=row.hourly, monthly=row.monthly, adjustment=row.adjustment,
        adjusted_invoice_id=row.adjusted_invoice_id)


def segment_row(invoice_id, segment):
    """The invoice_segments row of ``segment`` on ``invoice_id``."""
    interval = segment.interval
    return {
        'invoice_id': invoice_id,
        'resource_type': interval.resource_type,
        'resource_id': interval.resource_id,
        'name': segment.name,
        'price_key': interval.price_key,
        'quantity': interval.quantity,
        'start': segment.start,
        'end': segment.adjusted_end,
        'hourly': segment.hourly,
        'monthly': segment.monthly,
        'charge': segment.charge,
        'unpriced': segment.unpriced,
        'adjustment': segment.adjustment,
        'adjusted_invoice_id': segment.adjusted_invoice_id,
    }


# Segments of an in-progress invoice exist only when read: their ids are
# negative (a stored segment's id never is) and of at most 52 bits (exact
# for a client that reads JSON numbers as doubles).
LIVE_ID_BITS = 52


def live_segment_id(invoice_id, segment):
    """The id of a segment of an in-progress invoice: a negative integer
    derived from what identifies it (its invoice, its resource, price key
    and quantity, its start, and the invoice an adjustment adjusts), so
    that it stays the same across reads, whatever else changes, until the
    segment itself does, and is never the id of a stored segment."""
    interval = segment.interval
    identity = repr((
        invoice_id, interval.resource_type, interval.resource_id,
        interval.price_key, str(interval.quantity),
        segment.start.astimezone(datetime.timezone.utc).isoformat(),
        segment.adjustment, segment.adjusted_invoice_id))
    digest = hashlib.sha256(identity.encode('utf-8')).digest()
    return -1 - (int.from_bytes(digest[:8], 'big') >> (64 - LIVE_ID_BITS))


def invoice_lines(context, invoice, policy, now):
    """(segments, segment ids) of an invoice's lines: the stored ones
    with their ids once issued; rated live while in progress, with the ids of
    live_segment_id and the project's pending adjustments on its oldest
    in-progress invoice only."""
    if invoice.state != db_invoices.IN_PROGRESS:
        rows = db_invoices.segments_of(context, invoice.id)
        return ([stored_segment(invoice.project_id, row) for row in rows],
                [row.id for row in rows])
    windows = windows_of(context)
    project_id = invoice.project_id
    changes = db_changes.pending(context, [project_id])
    named_usage = db_usage.project_usage(
        context, [project_id], invoice.period_start, invoice.period_end)
    segments = rate(named_usage, invoice.period_start, invoice.period_end,
                    windows, ratecard.RateCard.load(context), now, policy)
    invoices = db_invoices.invoices_of(context, [project_id])
    oldest_open = min(other.period_start for other in invoices
                      if other.state == db_invoices.IN_PROGRESS)
    if changes and invoice.period_start == oldest_open:
        segments += [adjustment.segment for adjustment in adjustments(
            context, project_id, invoices, changes, windows, policy)]
    return segments, [live_segment_id(invoice.id, segment)
                      for segment in segments]
