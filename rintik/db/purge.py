"""Retention: remove the usage that only issued periods older than a
moment need (``rintik-manage db purge --before T``).

A resource's observations and usage intervals go when all of these hold:

- it is gone (deleted in OpenStack) at or before T, so no notification
  can add usage to it;
- every period any of its intervals overlaps ends at or before T and is
  issued (not in progress, not without an invoice) for the interval's
  project; a running interval overlaps every period to come, so it
  keeps its resource;
- no change of its usage waits for the rollover (no ``usage_changes``
  row): the rollover re-rates such usage against what was billed, and
  would credit usage that vanished.

Anything else keeps all of its rows, so re-deriving any kept resource
from its observations gives the intervals it has. A purged resource keeps
its row and one tombstone observation, "gone" at the epoch, which is
also its ``gone_at`` from then on: it sorts before any other, so a late
or replayed notification of the resource derives no usage (late usage
older than the retention is final) instead of starting it afresh.
Invoices keep their frozen segments: issued invoices read the same after
a purge.
"""

import collections
import datetime

import sqlalchemy as sa

from rintik.billing import periods
from rintik.db import bulk
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import models

RESOURCES = models.Resource.__table__
OBSERVATIONS = models.Observation.__table__
INTERVALS = models.UsageIntervalRow.__table__
INVOICES = models.Invoice.__table__
CHANGES = models.UsageChange.__table__

TOMBSTONE_MESSAGE_ID = 'rintik-purge'
TOMBSTONE_TIME = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
CHUNK = 500

Summary = collections.namedtuple('Summary', 'resources observations '
                                            'intervals')


def purge(context, before, timezone, now):
    """Purge every resource only issued periods older than ``before``
    need, one chunk of resources per transaction; returns a Summary of
    the rows removed."""
    totals = Summary(0, 0, 0)
    last = 0
    while True:
        last, removed = _purge_chunk(context, before, timezone, now, last)
        if last is None:
            return totals
        totals = Summary(*(a + b for a, b in zip(totals, removed)))


@main_context_manager.writer
def _purge_chunk(context, before, timezone, now, after_id):
    """Lock the next chunk of resources gone by ``before`` (id order, as
    the monitor locks them) and purge those that qualify; returns the
    last id examined (None when none is left) and what was removed."""
    session = context.session
    resources = session.execute(sa.select(RESOURCES.c.id).where(
        RESOURCES.c.id > after_id, RESOURCES.c.gone_at <= before).order_by(
        RESOURCES.c.id).limit(CHUNK).with_for_update()).all()
    if not resources:
        return None, Summary(0, 0, 0)
    pks = [row.id for row in resources]
    usage = collections.defaultdict(list)
    for row in session.execute(sa.select(
            INTERVALS.c.resource_pk, INTERVALS.c.project_id,
            INTERVALS.c.start, INTERVALS.c.end).where(
            INTERVALS.c.resource_pk.in_(pks))):
        usage[row.resource_pk].append(row)
    issued = _issued_periods(session, set(
        row.project_id for rows in usage.values() for row in rows))
    pending = set(session.execute(sa.select(CHANGES.c.resource_pk).where(
        CHANGES.c.resource_pk.in_(pks))).scalars())
    purgeable = [row.id for row in resources if row.id not in pending and
                 _only_issued_need(usage[row.id], issued, before, timezone)]
    return pks[-1], _remove(session, purgeable, now)


def _issued_periods(session, project_ids):
    """{(project, period start): period end} of the issued invoices of
    ``project_ids``."""
    found = {}
    for chunk in bulk.chunks(sorted(p for p in project_ids if p)):
        for row in session.execute(sa.select(
                INVOICES.c.project_id, INVOICES.c.period_start,
                INVOICES.c.period_end).where(
                INVOICES.c.project_id.in_(chunk),
                INVOICES.c.state != db_invoices.IN_PROGRESS)):
            found[(row.project_id, row.period_start)] = row.period_end
    return found


def _only_issued_need(intervals, issued, before, timezone):
    """Whether every period the intervals overlap is issued and ended by
    ``before``."""
    for interval in intervals:
        if interval.end is None:
            return False
        for start, end in periods.periods_between(interval.start,
                                                  interval.end, timezone):
            if end > before or issued.get((interval.project_id,
                                           start)) != end:
                return False
    return True


def _remove(session, pks, now):
    """Delete the resources' intervals and observations, leaving each a
    tombstone."""
    if not pks:
        return Summary(0, 0, 0)
    own = sa.and_(OBSERVATIONS.c.resource_pk.in_(pks),
                  OBSERVATIONS.c.message_id != TOMBSTONE_MESSAGE_ID)
    affected = set(session.execute(sa.select(
        OBSERVATIONS.c.resource_pk).where(own)).scalars())
    affected.update(session.execute(sa.select(INTERVALS.c.resource_pk).where(
        INTERVALS.c.resource_pk.in_(pks))).scalars())
    intervals = session.execute(INTERVALS.delete().where(
        INTERVALS.c.resource_pk.in_(pks))).rowcount
    observations = session.execute(OBSERVATIONS.delete().where(
        own)).rowcount
    tombstoned = set(session.execute(sa.select(
        OBSERVATIONS.c.resource_pk).where(
        OBSERVATIONS.c.resource_pk.in_(pks),
        OBSERVATIONS.c.message_id == TOMBSTONE_MESSAGE_ID)).scalars())
    new = [_tombstone(pk, now) for pk in pks if pk not in tombstoned]
    if new:
        session.execute(OBSERVATIONS.insert(), new)
    # Its first "gone" observation is now the tombstone.
    for chunk in bulk.chunks(pks):
        session.execute(RESOURCES.update().where(
            RESOURCES.c.id.in_(chunk)).values(gone_at=TOMBSTONE_TIME))
    return Summary(len(affected), observations, intervals)


def _tombstone(resource_pk, now):
    return {'message_id': TOMBSTONE_MESSAGE_ID, 'resource_pk': resource_pk,
            'event_type': 'rintik.purged', 'event_time': TOMBSTONE_TIME,
            'gone': True, 'project_id': None, 'billable': False,
            'price_key': None, 'quantity': None, 'name': None,
            'source': 'purge', 'received_at': now}
