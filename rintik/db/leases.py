"""Named leases: one host at a time runs a periodic job."""

import datetime

from oslo_db import exception as db_exc
import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models

LOCKS = models.Lock.__table__


@main_context_manager.writer
def acquire(context, name, holder, now, ttl):
    """Take the lease ``name`` for ``ttl`` seconds if it is free or
    expired; return whether this holder has it."""
    expires = now + datetime.timedelta(seconds=ttl)
    taken = context.session.execute(LOCKS.update().where(
        LOCKS.c.name == name,
        sa.or_(LOCKS.c.holder.is_(None), LOCKS.c.expires_at < now,
               LOCKS.c.holder == holder)).values(
        holder=holder, expires_at=expires)).rowcount
    if taken:
        return True
    exists = context.session.execute(sa.select(LOCKS.c.name).where(
        LOCKS.c.name == name)).first()
    if exists:
        return False
    try:
        with context.session.begin_nested():
            context.session.execute(LOCKS.insert().values(
                name=name, holder=holder, expires_at=expires))
    except db_exc.DBDuplicateEntry:
        return False
    return True


@main_context_manager.writer
def release(context, name, holder):
    """Give the lease back (only its holder can)."""
    context.session.execute(LOCKS.update().where(
        LOCKS.c.name == name, LOCKS.c.holder == holder).values(
        holder=None, expires_at=None))
