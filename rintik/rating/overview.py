"""The overview charts: resources and cost so far in open invoices, read
from the live totals (rintik.db.live_totals) in one statement, never
rated on a request: the stored sums as of the last refresh, plus what
each growing charge group (rintik.rating.live) gained since.

refresh() keeps them current out of band (the monitor's timer,
rintik.rating.refresher, every [live_totals] refresh_interval seconds;
``rintik-manage live-totals refresh``), with work bounded by what
changed since the previous refresh:

- after a price or billing window change (the rating state generation)
  or a change of the [billing] options: every open invoice is re-rated;
- otherwise only the projects with usage changes not taken in yet, whose
  open invoices were opened or closed, or whose segments changed shape
  (an edge of an interval, window or price version passed), are
  re-rated; and the growing charge groups whose rounded total changed
  since are moved forward (rintik.rating.live).

The figures equal the live rating of rintik.rating.invoicing at the
moment of the read until a change lands after the last refresh (a usage
change, a price or window change, an invoice opened or closed, an edge
of a segment passed): from then until the next refresh, they are the
figures before that change. Refreshes take turns on the live state
row.
"""

from rintik.common import resource_types
from rintik.db import bulk
from rintik.db import changes as db_changes
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import live_totals as db_live
from rintik.db import usage as db_usage
from rintik.rating import invoicing
from rintik.rating import live
from rintik.rating import ratecard

TYPES = tuple(resource_types.ARRAYS)
CHUNK = 500


def _due(status, policy, now):
    """What a refresh has to do: 'all', 'some' or None."""
    if (status.generation is None or
            status.generation != status.rating_generation or
            status.policy != live.policy_key(policy)):
        return 'all'
    if (status.pending or
            (status.open_count, status.open_max_id) !=
            (status.now_open_count, status.now_open_max_id) or
            any(moment is not None and moment <= now
                for moment in (status.valid_until, status.next_change_at))):
        return 'some'
    return None


def refresh(context, policy, now):
    """Bring the live totals up to ``now`` (nothing to do: one query);
    out of band only, never on a request. What it did: 'all' (rebuilt),
    'some' or None (nothing to do)."""
    if _due(db_live.status(context), policy, now) is None:
        return None
    with main_context_manager.writer.using(context):
        session = context.session
        db_live.lock_state(session)
        # Read after the lock: what the previous refresh committed.
        status = db_live.status(context)
        due = _due(status, policy, now)
        if due is None:
            return None
        changes = db_live.pending_changes(session)
        if due == 'all':
            db_live.forget(session)
            stale = set(db_live.open_invoices(session).values())
            sums = {}
        else:
            stale = {project_id for _id, project_id in changes}
            stale |= _opened_or_closed(session, status)
            stale |= db_live.expired_projects(session, now)
            sums = {}
            for kind, values in db_live.sums_of(session, stale).items():
                db_live.add_sums(sums, kind, values, -1)
            db_live.forget(session, stale)
            _advance(session, policy, now, sums)
        _rerate(context, sorted(stale), policy, now, sums)
        db_live.add_to_type_totals(session, sums)
        db_live.mark_applied(session, [change_id for change_id, _p
                                       in changes])
        db_live.set_state(session, status.rating_generation,
                          live.policy_key(policy), status.now_open_count,
                          status.now_open_max_id)
    return due


def _opened_or_closed(session, status):
    """Projects whose in-progress invoices were opened or closed since
    the last refresh (invoice ids only grow: the same count and newest
    id is the same set)."""
    if ((status.open_count, status.open_max_id) ==
            (status.now_open_count, status.now_open_max_id)):
        return set()
    opened = db_live.open_invoices(session)
    covered = db_live.covered_invoices(session)
    return {opened.get(invoice_id, covered.get(invoice_id))
            for invoice_id in set(opened) ^ set(covered)}


def _rerate(context, project_ids, policy, now, sums):
    """Rate the open invoices of the projects at ``now``, store their
    figures and add them to ``sums`` (per type); one rate card and
    window load for all."""
    if not project_ids:
        return
    windows = invoicing.windows_of(context)
    card = ratecard.RateCard.load(context)
    cards = {}
    for chunk in bulk.chunks(project_ids, CHUNK):
        for kind, values in db_live.store(context.session, list(_figures(
                context, chunk, windows, card, cards, policy,
                now))).items():
            db_live.add_sums(sums, kind, values)


def _figures(context, project_ids, windows, card, cards, policy, now):
    invoices = {}
    for invoice in db_invoices.invoices_of(context, project_ids):
        invoices.setdefault(invoice.project_id, []).append(invoice)
    opened = [invoice for rows in invoices.values() for invoice in rows
              if invoice.state == db_invoices.IN_PROGRESS]
    if not opened:
        return
    changes = {}
    for change in db_changes.pending(context, project_ids):
        changes.setdefault(change.project_id, []).append(change)
    usage = {}
    for interval, name in db_usage.project_usage(
            context, sorted({invoice.project_id for invoice in opened}),
            min(invoice.period_start for invoice in opened),
            max(invoice.period_end for invoice in opened)):
        usage.setdefault(interval.project_id, []).append((interval, name))
    oldest = {}
    for invoice in opened:
        oldest.setdefault(invoice.project_id, invoice.period_start)
    for invoice in opened:
        project_id = invoice.project_id
        named_usage = [
            (interval, name) for interval, name in usage.get(project_id, [])
            if interval.overlaps(invoice.period_start, invoice.period_end)]
        charged = invoicing.rate(
            named_usage, invoice.period_start, invoice.period_end, windows,
            card, now, policy)
        adjustment_segments = []
        if (changes.get(project_id) and
                invoice.period_start == oldest[project_id]):
            adjustment_segments = [
                adjustment.segment for adjustment in invoicing.adjustments(
                    context, project_id, invoices[project_id],
                    changes[project_id], windows, policy, cards)]
        yield live.figures(invoice, [interval for interval, _name in
                                     named_usage], charged,
                           adjustment_segments,
                           windows, card, now, policy)


def _advance(session, policy, now, sums):
    """Move the growing groups whose rounded total changed by ``now``,
    adding what they gained to ``sums`` (per type)."""
    moved, deltas = {}, {}
    rows = db_live.due_groups(session, now)
    for row in rows:
        group = live.stored_group(row)
        group.total = live.group_total(group, now, policy)
        moved[row.id] = (group.total, live.next_change(group, policy))
        delta = group.total - row.total
        db_live.add_sums(sums, row.resource_type,
                         (0, 0, delta, delta if row.running else 0))
        cost, running = deltas.get((row.invoice_id, row.resource_type),
                                   (0, 0))
        deltas[(row.invoice_id, row.resource_type)] = (
            cost + delta, running + (delta if row.running else 0))
    db_live.advance(session, rows, moved, deltas)


def _at(rows, policy, now, width):
    """{key: [segments, running, cost, running cost]} of the stored sums
    (rows of rintik.db.live_totals) with the growth since of each due
    group added; keys are the first ``width`` columns after the kind."""
    values = {}
    for row in rows:
        key = tuple(row[1:1 + width])
        if row.row_kind == 'sum':
            old = values.setdefault(key, [0, 0, 0, 0])
            for index, value in enumerate((
                    row.segments, row.running_segments, row.cost,
                    row.running_cost)):
                old[index] += int(value)
    for row in rows:
        if row.row_kind == 'group':
            value = values.setdefault(tuple(row[1:1 + width]), [0, 0, 0, 0])
            growth = live.group_total(live.stored_group(row), now,
                                      policy) - row.total
            value[2] += growth
            if row.running:
                value[3] += growth
    return values


def overview(context, policy, now, project_id=None):
    """Per resource type: segments, running segments, cost, running cost
    of the open invoices (of one project, or all) at ``now``, as of the
    last refresh plus the growth of the running charges since (one
    statement; no rating, no write)."""
    values = _at(db_live.by_type(context, now, project_id), policy, now, 1)
    empty = (0, 0, 0, 0)
    values = {kind: values.get((kind,), empty) for kind in TYPES}
    return {
        'total_resource': {k: v[0] for k, v in values.items()},
        'active_resource': {k: v[1] for k, v in values.items()},
        'price_total_resource': {k: live.from_units(v[2], policy.currency)
                                 for k, v in values.items()},
        'price_active_resource': {k: live.from_units(v[3], policy.currency)
                                  for k, v in values.items()},
    }


def by_project(context, policy, now):
    """[(project_id, resource type, cost, running segments)] of the open
    invoices at ``now`` (what /metrics exposes), in project and type
    order; read like overview()."""
    values = _at(db_live.by_project_and_type(context, now), policy, now, 2)
    return [(project_id, kind, live.from_units(value[2], policy.currency),
             value[1])
            for (project_id, kind), value in sorted(values.items())]


def chart(values, currency, money):
    """The dashboard's {"label": [...], "data": [...]} of one chart."""
    labels = [resource_types.ARRAYS[kind] for kind in TYPES]
    if money:
        labels = ['%s (%s)' % (label, currency) for label in labels]
        return {'label': labels,
                'data': [float(values[kind]) for kind in TYPES]}
    return {'label': labels, 'data': [values[kind] for kind in TYPES]}
