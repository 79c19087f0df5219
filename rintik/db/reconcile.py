"""What reconciliation reads of the metering: the resources of one type,
with their running usage interval if they have one, a page of ids at a
time or the running ones in chunks; every read is a short transaction of
its own."""

import datetime
import decimal
import typing

import sqlalchemy as sa

from rintik.db import bulk
from rintik.db.engine import main_context_manager
from rintik.db import models

RESOURCES = models.Resource.__table__
INTERVALS = models.UsageIntervalRow.__table__
WINDOWS = models.BillingWindow.__table__
# Running resources read per transaction.
RUNNING_CHUNK = 5000


class Billed(typing.NamedTuple):
    """A resource Rintik knows; ``gone`` is whether it was seen deleted
    (final); ``running`` is whether it has a running interval (then with
    that interval's owner, price key and quantity); ``last_seen`` is its
    newest observation's event time."""

    resource_type: str
    resource_id: str
    project_id: str | None
    gone: bool
    running: bool
    price_key: str | None
    quantity: decimal.Decimal | None
    last_seen: datetime.datetime | None


def _select(resource_type, running_only):
    """The resources of one type joined to their running interval (only
    those that have one with ``running_only``)."""
    on = sa.and_(INTERVALS.c.resource_pk == RESOURCES.c.id,
                 INTERVALS.c.end.is_(None))
    return sa.select(
        RESOURCES.c.resource_type, RESOURCES.c.resource_id,
        RESOURCES.c.project_id, RESOURCES.c.tail_event_time,
        RESOURCES.c.gone_at,
        INTERVALS.c.project_id.label('interval_project'),
        INTERVALS.c.price_key, INTERVALS.c.quantity,
        INTERVALS.c.resource_pk).select_from(
        RESOURCES.join(INTERVALS, on, isouter=not running_only)).where(
        RESOURCES.c.resource_type == resource_type)


def _billed(row):
    (resource_type, resource_id, project_id, last_seen, gone_at,
     interval_project, price_key, quantity, interval_resource) = row
    running = interval_resource is not None
    return Billed(resource_type, resource_id,
                  interval_project if running else project_id,
                  gone_at is not None, running, price_key, quantity,
                  last_seen)


@main_context_manager.reader
def billed(context, resource_type, resource_ids):
    """{id: Billed} of the resources of this type among ``resource_ids``
    (those Rintik does not know are absent)."""
    found = {}
    for chunk in bulk.chunks(resource_ids):
        for row in context.session.execute(_select(resource_type, False).where(
                RESOURCES.c.resource_id.in_(chunk))):
            found[row.resource_id] = _billed(row)
    return found


@main_context_manager.reader
def _running_after(context, resource_type, after, limit):
    query = _select(resource_type, True)
    if after is not None:
        query = query.where(RESOURCES.c.resource_id > after)
    return context.session.execute(query.order_by(
        RESOURCES.c.resource_id).limit(limit)).all()


def running(context, resource_type):
    """Lists of Billed: every running resource of this type,
    RUNNING_CHUNK at a time in id order (a range of the unique index on
    type and id), each chunk read in a transaction of its own."""
    after = None
    while True:
        rows = _running_after(context, resource_type, after, RUNNING_CHUNK)
        if not rows:
            return
        after = rows[-1].resource_id
        yield [_billed(row) for row in rows]


@main_context_manager.reader
def window_start(context):
    """Start of the newest billing window, or None before the first."""
    return context.session.execute(sa.select(sa.func.max(
        WINDOWS.c.start))).scalar()
