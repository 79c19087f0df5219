"""Reads of metered usage: the usage intervals (all, of projects in a
period, or those that can lack a price) and the event time of the newest
observation."""

import sqlalchemy as sa

from rintik.billing import segments
from rintik.billing import usage
from rintik.db import bulk
from rintik.db.engine import main_context_manager
from rintik.db import models

RESOURCES = models.Resource.__table__
INTERVALS = models.UsageIntervalRow.__table__
KEYS = models.PriceKey.__table__
VERSIONS = models.PriceVersion.__table__


# A stored interval with its resource's type and id.
_INTERVAL_COLUMNS = (RESOURCES.c.resource_type, RESOURCES.c.resource_id,
                     INTERVALS.c.project_id, INTERVALS.c.price_key,
                     INTERVALS.c.quantity, INTERVALS.c.start, INTERVALS.c.end)


def _intervals(session, query):
    """The UsageIntervals a query of _INTERVAL_COLUMNS reads."""
    return [usage.UsageInterval(*row) for row in session.execute(query)]


@main_context_manager.reader
def usage_intervals(context, project_id=None, resource_id=None,
                    resource_type=None):
    """UsageIntervals, oldest first."""
    query = sa.select(*_INTERVAL_COLUMNS).join(
        RESOURCES, RESOURCES.c.id == INTERVALS.c.resource_pk)
    if project_id:
        query = query.where(INTERVALS.c.project_id == project_id)
    if resource_id:
        query = query.where(RESOURCES.c.resource_id == resource_id)
    if resource_type:
        query = query.where(RESOURCES.c.resource_type == resource_type)
    query = query.order_by(INTERVALS.c.start, RESOURCES.c.resource_type,
                           RESOURCES.c.resource_id)
    return _intervals(context.session, query)


@main_context_manager.reader
def project_usage(context, project_ids, start, end, resource_keys=None):
    """[(UsageInterval, its resource's display name)] of the projects'
    intervals overlapping [start, end), oldest first (of the resources
    ``resource_keys`` (type, id) only, one query per chunk of them)."""
    query = sa.select(*_INTERVAL_COLUMNS, RESOURCES.c.name).join(
        RESOURCES, RESOURCES.c.id == INTERVALS.c.resource_pk).where(
        INTERVALS.c.project_id.in_(project_ids),
        INTERVALS.c.start < end,
        sa.or_(INTERVALS.c.end.is_(None), INTERVALS.c.end > start))
    query = query.order_by(INTERVALS.c.start, RESOURCES.c.resource_id)
    if resource_keys is None:
        return _named(context.session.execute(query))
    named = []
    for keys in bulk.chunks(sorted(resource_keys)):
        named.extend(_named(context.session.execute(query.where(
            sa.tuple_(RESOURCES.c.resource_type,
                      RESOURCES.c.resource_id).in_(keys)))))
    return sorted(named, key=lambda item: (item[0].start,
                                           item[0].resource_id))


def _named(rows):
    """(UsageInterval, name) of rows of _INTERVAL_COLUMNS and a name."""
    return [(usage.UsageInterval(*row[:-1]), row[-1]) for row in rows]


def _price_kind():
    """The price kind of a resource type (rintik.billing.segments), as
    SQL."""
    return sa.case(segments.PRICE_KINDS, value=RESOURCES.c.resource_type)


@main_context_manager.reader
def unpriced_candidates(context, since=None):
    """UsageIntervals (ending after ``since``) whose price key has no
    version, or an ended one: the only ones that can lack a price for
    some of their time (a key's first version applies before its
    effective_from), oldest first."""
    kind = _price_kind()
    key = sa.case((kind.in_(sorted(segments.KEYED_KINDS)),
                   INTERVALS.c.price_key), else_='')
    priced = sa.select(KEYS.c.id).where(
        KEYS.c.kind == kind, KEYS.c.key == key,
        sa.exists().where(VERSIONS.c.price_key_id == KEYS.c.id),
        ~sa.exists().where(VERSIONS.c.price_key_id == KEYS.c.id,
                           VERSIONS.c.ended.is_(True)))
    query = sa.select(*_INTERVAL_COLUMNS).join(
        RESOURCES, RESOURCES.c.id == INTERVALS.c.resource_pk).where(
        ~sa.exists(priced))
    if since is not None:
        query = query.where(sa.or_(INTERVALS.c.end.is_(None),
                                   INTERVALS.c.end > since))
    query = query.order_by(INTERVALS.c.start, RESOURCES.c.resource_type,
                           RESOURCES.c.resource_id)
    return _intervals(context.session, query)


@main_context_manager.reader
def newest_event_time(context):
    """Event time of the newest observation, or None."""
    return context.session.execute(sa.select(sa.func.max(
        models.Observation.__table__.c.event_time))).scalar_one()
