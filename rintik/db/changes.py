"""Recorded usage changes: those adjustments still have to read, and
what a run of one source (a replay) changed in metering."""

import collections

import sqlalchemy as sa

from rintik.db import bulk
from rintik.db.engine import main_context_manager
from rintik.db import models

OBSERVATIONS = models.Observation.__table__
RESOURCES = models.Resource.__table__
CHANGES = models.UsageChange.__table__

Changes = collections.namedtuple('Changes', 'observations notifications '
                                            'resources')
Mark = collections.namedtuple('Mark', 'observation change')


@main_context_manager.reader
def mark(context):
    """Where metering stands now (the newest observation and recorded
    usage change), to count what a run adds after it; ids, not clocks."""
    session = context.session
    return Mark(
        session.execute(sa.select(sa.func.max(OBSERVATIONS.c.id))).scalar()
        or 0,
        session.execute(sa.select(sa.func.max(CHANGES.c.id))).scalar() or 0)


@main_context_manager.reader
def since(context, source, start):
    """The observations ``source`` stored after the Mark ``start``, the
    notifications they came from, and the resources whose usage intervals
    changed since then because of them."""
    new = sa.and_(OBSERVATIONS.c.source == source,
                  OBSERVATIONS.c.id > start.observation)
    observations, notifications = context.session.execute(sa.select(
        sa.func.count(), sa.func.count(OBSERVATIONS.c.message_id.distinct())
    ).where(new)).one()
    resources = context.session.execute(sa.select(sa.func.count(
        CHANGES.c.resource_pk.distinct())).where(
        CHANGES.c.id > start.change,
        CHANGES.c.resource_pk.in_(sa.select(OBSERVATIONS.c.resource_pk).where(
            new)))).scalar()
    return Changes(observations, notifications, resources)


@main_context_manager.reader
def pending(context, project_ids):
    """Recorded usage changes of the projects (id, project_id,
    resource_type, resource_id, changed_from, recorded_at), oldest
    first."""
    return context.session.execute(sa.select(
        CHANGES.c.id, CHANGES.c.project_id, RESOURCES.c.resource_type,
        RESOURCES.c.resource_id, CHANGES.c.changed_from,
        CHANGES.c.recorded_at).join(
        RESOURCES, RESOURCES.c.id == CHANGES.c.resource_pk).where(
        CHANGES.c.project_id.in_(project_ids)).order_by(CHANGES.c.id)).all()


@main_context_manager.writer
def consume(context, change_ids):
    """Forget the recorded changes that were read and adjusted (changes
    recorded since stay)."""
    for chunk in bulk.chunks(sorted(change_ids)):
        context.session.execute(CHANGES.delete().where(
            CHANGES.c.id.in_(chunk)))
