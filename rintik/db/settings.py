"""Operator settings and billing windows."""

import datetime

from oslo_serialization import jsonutils
import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models

SETTINGS = models.Setting.__table__
WINDOWS = models.BillingWindow.__table__


@main_context_manager.reader
def stored_settings(context):
    """{name: decoded value} of every setting set in the database."""
    return {row.name: jsonutils.loads(row.value)
            for row in context.session.execute(sa.select(SETTINGS))}


@main_context_manager.writer
def store_setting(context, name, value):
    """Set one setting (insert or update)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    encoded = jsonutils.dumps(value)
    updated = context.session.execute(SETTINGS.update().where(
        SETTINGS.c.name == name).values(value=encoded, updated_at=now))
    if not updated.rowcount:
        context.session.execute(SETTINGS.insert().values(
            name=name, value=encoded, updated_at=now))


@main_context_manager.reader
def windows(context):
    """Billing windows, oldest first."""
    return context.session.execute(
        sa.select(WINDOWS).order_by(WINDOWS.c.start)).all()


@main_context_manager.writer
def open_window(context, start):
    """Open a window at ``start`` (clamped to after the last window), unless
    one is open. Returns the open window's row."""
    session = context.session
    rows = session.execute(sa.select(WINDOWS).order_by(
        WINDOWS.c.start).with_for_update()).all()
    if rows and rows[-1].end is None:
        return rows[-1]
    if rows and start < rows[-1].end:
        start = rows[-1].end
    session.execute(WINDOWS.insert().values(start=start, end=None))
    return session.execute(sa.select(WINDOWS).where(
        WINDOWS.c.end.is_(None))).first()


@main_context_manager.writer
def close_window(context, end):
    """Close the open window at ``end`` (no window open: nothing to do)."""
    context.session.execute(WINDOWS.update().where(
        WINDOWS.c.end.is_(None)).values(end=end))


@main_context_manager.writer
def delete_windows(context):
    """Forget every billing window (reset_billing): billing is disabled."""
    context.session.execute(WINDOWS.delete())
