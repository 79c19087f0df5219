"""What reconciliation reads of the metering: every resource of the
listed types, with its running usage interval if it has one."""

import dataclasses
import datetime
import decimal

import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models

RESOURCES = models.Resource.__table__
INTERVALS = models.UsageInterval.__table__
WINDOWS = models.BillingWindow.__table__


@dataclasses.dataclass(frozen=True)
class Billed:
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


@main_context_manager.reader
def known(context, resource_types):
    """{(resource type, id): Billed} of the resources of these types."""
    query = sa.select(
        RESOURCES.c.resource_type, RESOURCES.c.resource_id,
        RESOURCES.c.project_id, RESOURCES.c.tail_event_time,
        RESOURCES.c.gone_at,
        INTERVALS.c.project_id.label('interval_project'),
        INTERVALS.c.price_key, INTERVALS.c.quantity,
        INTERVALS.c.resource_pk).outerjoin(
        INTERVALS, sa.and_(INTERVALS.c.resource_pk == RESOURCES.c.id,
                           INTERVALS.c.end.is_(None))).where(
        RESOURCES.c.resource_type.in_(sorted(resource_types)))
    found = {}
    for row in context.session.execute(query):
        running = row.resource_pk is not None
        found[(row.resource_type, row.resource_id)] = Billed(
            row.resource_type, row.resource_id,
            row.interval_project if running else row.project_id,
            row.gone_at is not None, running,
            row.price_key, row.quantity, row.tail_event_time)
    return found


@main_context_manager.reader
def window_start(context):
    """Start of the newest billing window, or None before the first."""
    return context.session.execute(sa.select(sa.func.max(
        WINDOWS.c.start))).scalar()
