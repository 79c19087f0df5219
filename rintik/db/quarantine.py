"""The quarantine of messages that could not be read: listing, counting
and releasing them (they are written by the ingest, rintik.db.metering)."""

import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models

QUARANTINE = models.QuarantinedMessage.__table__


@main_context_manager.reader
def quarantined(context, ids=None):
    """Quarantined messages (all, or those with the given ids)."""
    query = sa.select(QUARANTINE).order_by(QUARANTINE.c.id)
    if ids is not None:
        query = query.where(QUARANTINE.c.id.in_(ids))
    return context.session.execute(query).all()


@main_context_manager.writer
def release_quarantined(context, ids):
    """Remove the given messages from the quarantine."""
    if ids:
        context.session.execute(QUARANTINE.delete().where(
            QUARANTINE.c.id.in_(ids)))


@main_context_manager.reader
def quarantined_count(context):
    return context.session.execute(sa.select(sa.func.count()).select_from(
        QUARANTINE)).scalar_one()
