"""What a run of one source (a replay) changed in metering."""

import collections

import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models

RESOURCES = models.Resource.__table__
OBSERVATIONS = models.Observation.__table__

Changes = collections.namedtuple('Changes', 'observations notifications '
                                            'resources')


@main_context_manager.reader
def since(context, source, moment):
    """The observations ``source`` stored from ``moment`` on, the
    notifications they came from, and the resources whose usage intervals
    changed (were re-derived) since then because of them."""
    new = sa.and_(OBSERVATIONS.c.source == source,
                  OBSERVATIONS.c.received_at >= moment)
    observations, notifications = context.session.execute(sa.select(
        sa.func.count(), sa.func.count(OBSERVATIONS.c.message_id.distinct())
    ).where(new)).one()
    resources = context.session.execute(sa.select(sa.func.count()).where(
        RESOURCES.c.derived_at >= moment,
        RESOURCES.c.id.in_(sa.select(OBSERVATIONS.c.resource_pk).where(
            new)))).scalar()
    return Changes(observations, notifications, resources)
