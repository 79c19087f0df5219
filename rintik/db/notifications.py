"""The notification centre's records."""


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
