"""The notification centre's records and their e-mail outbox."""

import uuid

import sqlalchemy as sa

from rintik.db import bulk
from rintik.db.engine import main_context_manager
from rintik.db import models

NOTIFICATIONS = models.Notification.__table__
PROJECTS = models.Project.__table__
QUARANTINE = models.QuarantinedMessage.__table__
ADMIN = 'Admin'


def new_message_id():
    """A Message-ID kept by every delivery of one notification."""
    return '<%s@rintik>' % uuid.uuid4().hex


@main_context_manager.writer
def add_many(context, rows, now):
    """Store notifications in one statement and queue their e-mail.

    Each row has ``project_id`` (None: for the admins), ``title``,
    ``short_description``, ``event`` and ``data`` (JSON text), and may
    have ``content``; the recipient is the project's addresses as they
    are now."""
    if not rows:
        return
    project_ids = {row['project_id'] for row in rows
                   if row['project_id'] is not None}
    emails = dict(context.session.execute(sa.select(
        PROJECTS.c.project_id, PROJECTS.c.email_notification).where(
        PROJECTS.c.project_id.in_(project_ids))).all()) if project_ids \
        else {}
    bulk.insert_rows(context.session, NOTIFICATIONS, [dict(
        row, recipient=ADMIN if row['project_id'] is None else
        emails.get(row['project_id']) or '',
        sent_status=False, is_read=False, created_at=now,
        message_id=new_message_id(), send_after=now, attempts=0)
        for row in rows])


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


@main_context_manager.reader
def due(context, now, limit):
    """Notifications whose e-mail is due, oldest first."""
    return context.session.execute(sa.select(NOTIFICATIONS).where(
        NOTIFICATIONS.c.send_after <= now).order_by(
        NOTIFICATIONS.c.send_after, NOTIFICATIONS.c.id).limit(limit)).all()


@main_context_manager.writer
def mark_sent(context, notification_id, recipient, now):
    """The e-mail was accepted by the SMTP server."""
    context.session.execute(NOTIFICATIONS.update().where(
        NOTIFICATIONS.c.id == notification_id).values(
        sent_status=True, sent_at=now, send_after=None, last_error=None,
        recipient=recipient))


@main_context_manager.writer
def mark_failed(context, notification_id, reason, retry_at):
    """Delivery failed for ``reason``; tried again from ``retry_at``
    (None: not until it is queued again)."""
    context.session.execute(NOTIFICATIONS.update().where(
        NOTIFICATIONS.c.id == notification_id).values(
        last_error=reason, send_after=retry_at,
        attempts=NOTIFICATIONS.c.attempts + 1))


@main_context_manager.writer
def queue_again(context, notification_id, now):
    """Queue a notification's e-mail again (resend), with the same
    Message-ID (one is given to records older than the outbox)."""
    context.session.execute(NOTIFICATIONS.update().where(
        NOTIFICATIONS.c.id == notification_id).values(
        send_after=now, attempts=0, message_id=sa.func.coalesce(
            NOTIFICATIONS.c.message_id, new_message_id())))


@main_context_manager.reader
def quarantined_since(context, since):
    """How many messages were quarantined after ``since`` (None: ever)."""
    query = sa.select(sa.func.count()).select_from(QUARANTINE)
    if since is not None:
        query = query.where(QUARANTINE.c.created_at > since)
    return context.session.execute(query).scalar()


@main_context_manager.writer
def delete_all(context):
    context.session.execute(NOTIFICATIONS.delete())
