"""Storing Notices in the notification centre, in the caller's
transaction; their e-mail waits in the outbox."""

from oslo_serialization import jsonutils

from rintik.db import notifications as db_notifications
from rintik.notify import templates


def store(context, notices, now):
    """Store ``notices`` (one insert) with their HTML content."""
    db_notifications.add_many(context, [{
        'project_id': notice.project_id,
        'title': notice.title[:255],
        'short_description': notice.short_description[:255],
        'content': templates.render(notice.event, templates.HTML,
                                    notice.title, notice.data),
        'event': notice.event,
        'data': jsonutils.dumps(notice.data),
    } for notice in notices], now)
