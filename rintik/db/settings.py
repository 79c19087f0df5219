"""Operator settings and billing windows."""


from oslo_serialization import jsonutils
import sqlalchemy as sa

from rintik.common import clock
from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik.db import rating_state

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
    now = clock.utcnow()
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
    """Open a window at ``start``, clamped to after the last window and to
    the end of the newest issued period, unless one is open (PRODUCT.md
    §2.9). Serialised on the rating state row, which exists before the
    first window. Returns the open window's row."""
    session = context.session
    state = rating_state.lock(session)
    rows = session.execute(sa.select(WINDOWS).order_by(WINDOWS.c.start)).all()
    if rows and rows[-1].end is None:
        return rows[-1]
    floors = [moment for moment in (rows[-1].end if rows else None,
                                    state.issued_until) if moment is not None]
    start = max([start] + floors)
    session.execute(WINDOWS.insert().values(start=start, end=None))
    rating_state.changed(session)
    return session.execute(sa.select(WINDOWS).where(
        WINDOWS.c.end.is_(None))).first()


@main_context_manager.writer
def close_window(context, end):
    """Close the open window at ``end`` (no window open: nothing to do)."""
    rating_state.lock(context.session)
    if context.session.execute(WINDOWS.update().where(
            WINDOWS.c.end.is_(None)).values(end=end)).rowcount:
        rating_state.changed(context.session)


@main_context_manager.writer
def delete_windows(context):
    """Forget every billing window (reset_billing): billing is disabled."""
    rating_state.lock(context.session)
    context.session.execute(WINDOWS.delete())
    rating_state.changed(context.session)
