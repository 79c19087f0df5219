"""Neutron floating IPs and routers with an external gateway."""

import decimal

from rintik.handlers import base
from rintik.metering import facts

ONE = decimal.Decimal(1)


class _NeutronHandler(base.NotificationHandler):
    """A Neutron resource ``<kind>`` with ``<kind>.{create,update,delete}.end``
    events; delete payloads may carry only ``<kind>_id`` (before Newton)."""

    kind = None
    resource_type = None

    def __init__(self, conf):
        super().__init__(conf)
        self.event_types = frozenset(
            '%s.%s.end' % (self.kind, action)
            for action in ('create', 'update', 'delete'))

    def facts(self, event_type, payload):
        payload = base.require_mapping(payload)
        if event_type == '%s.delete.end' % self.kind:
            resource = payload.get(self.kind)
            resource = resource if isinstance(resource, dict) else {}
            resource_id = base.require_id(
                {'id': payload.get(self.kind + '_id'), **resource}, 'id')
            return [facts.Observation(
                self.resource_type, resource_id,
                base.optional_id(resource, 'project_id', 'tenant_id'),
                gone=True)]
        resource = base.require_mapping(payload, self.kind)
        return [facts.Observation(
            self.resource_type, base.require_id(resource, 'id'),
            base.optional_id(resource, 'project_id', 'tenant_id'),
            billable=self.billable(resource), quantity=ONE,
            name=self.display_name(resource))]

    def billable(self, resource):
        return True

    def display_name(self, resource):
        return base.optional_text(resource, 'name')


class FloatingIPHandler(_NeutronHandler):
    """Floating IPs: billable while allocated, one price."""

    kind = 'floatingip'
    resource_type = 'floating_ip'

    def display_name(self, resource):
        return base.optional_text(resource, 'floating_ip_address')


class RouterHandler(_NeutronHandler):
    """Routers: billable only while they have an external gateway."""

    kind = 'router'
    resource_type = 'router'

    def billable(self, resource):
        return resource.get('external_gateway_info') is not None
