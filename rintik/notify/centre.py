"""Storing Notices in the notification centre, in the caller's
transaction; their e-mail waits in the outbox. A notice is stored with
its facts; its bodies are rendered from them when it is read or sent."""

from oslo_serialization import jsonutils

from rintik.db import notifications as db_notifications
from rintik.notify import templates


def store(context, notices, now):
    """Store ``notices`` (one insert) with their facts."""
    db_notifications.add_many(context, [{
        'project_id': notice.project_id,
        'title': notice.title[:255],
        'short_description': notice.short_description[:255],
        'event': notice.event,
        'data': jsonutils.dumps(notice.data),
    } for notice in notices], now)


def facts(row):
    """(event, facts) that a stored notification's bodies are rendered
    from; a record older than the outbox has neither, and shows its
    short description in the generic message."""
    return (row.event or 'message',
            jsonutils.loads(row.data) if row.data else
            {'text': row.short_description})


def content(row):
    """A stored notification's HTML content in the notification centre:
    rendered from its facts, or the content stored with a record of a
    release that rendered it when storing it."""
    if row.content is not None:
        return row.content
    event, data = facts(row)
    return templates.render(event, templates.HTML, row.title, data)
