"""The notification centre's records."""

import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models

NOTIFICATIONS = models.Notification.__table__
ADMIN = 'Admin'


@main_context_manager.writer
def add(context, project_id, title, short_description, content, recipient,
        now):
    """Store a notification; ``project_id`` None is for the admins."""
    return context.session.execute(NOTIFICATIONS.insert().values(
        project_id=project_id, title=title,
        short_description=short_description, content=content,
        recipient=recipient, sent_status=False, is_read=False,
        created_at=now)).inserted_primary_key[0]


@main_context_manager.reader
def list_notifications(context, project_id=None, general_only=False,
                       limit=None, marker=None):
    """Notifications newest first: of one project, only the general
    (admin) ones, or all."""
    query = sa.select(NOTIFICATIONS)
    if general_only:
        query = query.where(NOTIFICATIONS.c.project_id.is_(None))
    elif project_id is not None:
        query = query.where(NOTIFICATIONS.c.project_id == project_id)
    if marker is not None:
        query = query.where(NOTIFICATIONS.c.id < marker)
    query = query.order_by(NOTIFICATIONS.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return context.session.execute(query).all()


@main_context_manager.reader
def get_notification(context, notification_id):
    return context.session.execute(sa.select(NOTIFICATIONS).where(
        NOTIFICATIONS.c.id == notification_id)).first()


@main_context_manager.writer
def update_notification(context, notification_id, **values):
    context.session.execute(NOTIFICATIONS.update().where(
        NOTIFICATIONS.c.id == notification_id).values(**values))
