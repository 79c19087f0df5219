"""``/api/admin_overview/`` and ``/api/project_overview/``: the charts,
and a project's notification addresses."""

import pecan

from rintik.api.controllers import base
from rintik.api.controllers.v1 import common
from rintik.api import utils
from rintik.api import views
from rintik.common import clock
from rintik.db import projects as db_projects
from rintik import exception
from rintik.rating import overview
from rintik.rating import settings

CHARTS = {
    'total_resource': False,
    'active_resource': False,
    'price_total_resource': True,
    'price_active_resource': True,
}
EMAIL_SCHEMA = {
    'type': 'object',
    'properties': {'email_notification': {'type': 'string'}},
    'required': ['email_notification'],
}


def chart(name, project_id=None):
    if name not in CHARTS:
        raise exception.NotFound()
    values = overview.overview(pecan.request.context, common.policy(),
                               clock.utcnow(), project_id)[name]
    return overview.chart(values, common.currency(), CHARTS[name])


class AdminOverviewController(base.Controller):

    @pecan.expose('json')
    def get_one(self, name):
        utils.authorize('rintik:overview:admin')
        return chart(name)


def parse_emails(text):
    """A comma list of addresses, normalised; 400 on an invalid one."""
    return settings.email_list(text, 'email_notification')


class ProjectOverviewController(base.Controller):

    _custom_actions = {'get_tenant': ['GET'], 'update_email': ['POST']}

    @pecan.expose('json')
    def get_one(self, name):
        project = utils.project_scope(common.query('tenant_id'))
        utils.authorize('rintik:overview:project', {'project_id': project})
        return chart(name, project)

    def _project(self, tenant_id, rule):
        project = utils.project_scope(tenant_id)
        utils.authorize(rule, {'project_id': project})
        row = db_projects.get_project(pecan.request.context, project)
        if row is None:
            raise exception.NotFound()
        return row

    @pecan.expose('json')
    def get_tenant(self, tenant_id):
        row = self._project(tenant_id, 'rintik:project:get')
        return views.project_object(row.project_id, row.email_notification)

    @pecan.expose('json')
    def update_email(self, tenant_id):
        row = self._project(tenant_id, 'rintik:project:update_email')
        body = utils.request_body(EMAIL_SCHEMA)
        db_projects.set_project_email(pecan.request.context, row.project_id,
                                      parse_emails(body['email_notification']))
        return {'status': 'success'}
