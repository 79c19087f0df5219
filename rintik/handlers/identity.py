"""Keystone projects: register and retire billing projects."""

from rintik.handlers import base
from rintik.metering import facts


class ProjectHandler(base.NotificationHandler):
    """Basic and CADF formats both carry the project id in
    ``resource_info``."""

    event_types = frozenset(['identity.project.created',
                             'identity.project.updated',
                             'identity.project.deleted'])

    def facts(self, event_type, payload):
        project = base.require_mapping(payload)
        project_id = base.require_id(project, 'resource_info')
        return [facts.ProjectEvent(
            project_id, retired=event_type == 'identity.project.deleted')]
