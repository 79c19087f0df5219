"""``/api/notification/``: the notification centre."""

import pecan

from rintik.api.controllers import base
from rintik.api.controllers.v1 import common
from rintik.api import utils
from rintik.api import views
from rintik.common import clock
from rintik.common import formats
from rintik.db import notifications as db_notifications
from rintik.db import projects as db_projects
from rintik import exception
from rintik.notify import centre

GENERAL = '0'


def notification_object(context, row):
    project = None
    if row.project_id is not None:
        found = db_projects.get_project(context, row.project_id)
        project = views.project_object(
            row.project_id, found.email_notification if found else '')
    return {
        'id': row.id,
        'project': project,
        'title': row.title,
        'short_description': row.short_description,
        'content': centre.content(row),
        'sent_status': row.sent_status,
        'is_read': row.is_read,
        'created_at': formats.iso(row.created_at),
        'recipient': row.recipient,
    }


def _marker(value):
    """A list marker: a notification id, or None (ignored) for anything
    else."""
    try:
        return utils.object_id(value) if value else None
    except exception.NotFound:
        return None


class NotificationController(base.Controller):

    _custom_actions = {'set_read': ['GET'], 'set_unread': ['GET'],
                       'resend': ['GET']}

    @pecan.expose('json')
    def get_all(self):
        context = pecan.request.context
        tenant_id = common.query('tenant_id')
        limit, marker = utils.pagination(common.query('limit'),
                                         common.query('marker'))
        marker = _marker(marker)
        if tenant_id == GENERAL or (tenant_id is None and context.is_admin):
            utils.authorize('rintik:notification:list_all')
            rows = db_notifications.list_notifications(
                context, general_only=tenant_id == GENERAL, limit=limit,
                marker=marker)
        else:
            project = utils.project_scope(tenant_id)
            utils.authorize('rintik:notification:list',
                            {'project_id': project})
            rows = db_notifications.list_notifications(
                context, project, limit=limit, marker=marker)
        return [notification_object(context, row) for row in rows]

    def _visible(self, notification_id, action):
        """The notification if the caller may see it, else 404."""
        context = pecan.request.context
        tenant_id = common.query('tenant_id')
        if tenant_id != GENERAL:
            utils.project_scope(tenant_id)
        row = db_notifications.get_notification(
            context, utils.object_id(notification_id))
        if row is None or (tenant_id and row.project_id != (
                None if tenant_id == GENERAL else tenant_id)):
            raise exception.NotFound()
        if row.project_id is None:
            if not context.is_admin:
                raise exception.NotFound()
            utils.authorize('rintik:notification:list_all')
        else:
            if row.project_id != context.project_id and \
                    not context.is_admin:
                raise exception.NotFound()
            utils.authorize('rintik:notification:' + action,
                            {'project_id': row.project_id})
        return row

    def _mark(self, notification_id, action, is_read):
        context = pecan.request.context
        row = self._visible(notification_id, action)
        db_notifications.update_notification(context, row.id,
                                             is_read=is_read)
        return notification_object(
            context, db_notifications.get_notification(context, row.id))

    @pecan.expose('json')
    def get_one(self, notification_id):
        return self._mark(notification_id, 'get', True)

    @pecan.expose('json')
    def set_read(self, notification_id):
        return self._mark(notification_id, 'set_read', True)

    @pecan.expose('json')
    def set_unread(self, notification_id):
        return self._mark(notification_id, 'set_unread', False)

    @pecan.expose('json')
    def resend(self, notification_id):
        """Queue the e-mail again; ``notification send`` delivers it with
        the same Message-ID."""
        context = pecan.request.context
        row = self._visible(notification_id, 'resend')
        db_notifications.queue_again(context, row.id, clock.utcnow())
        return notification_object(
            context, db_notifications.get_notification(context, row.id))
