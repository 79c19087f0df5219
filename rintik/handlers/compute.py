"""Nova instances, from legacy ``compute.instance.*`` or versioned
``instance.*`` notifications (``[notification] nova_format``)."""

import decimal

from rintik.handlers import base
from rintik.metering import facts

ONE = decimal.Decimal(1)
VERSIONED_TOPIC = 'versioned_notifications'


class InstanceHandler(base.NotificationHandler):
    """Instances: quantity 1, priced by flavor."""

    def __init__(self, conf):
        super().__init__(conf)
        self.versioned = conf.notification.nova_format == 'versioned'
        self.prefix = 'instance.' if self.versioned else 'compute.instance.'
        self.unbillable_states = frozenset(
            conf.notification.unbillable_instance_states)

    def handles(self, event_type):
        if not event_type.startswith(self.prefix):
            return False
        action = event_type[len(self.prefix):]
        if action in ('update', 'exists'):
            return True
        if action.startswith(('resize.prep.', 'resize_prep.')):
            return False
        return action.endswith('.end')

    def extra_targets(self):
        if self.versioned:
            return [('nova', VERSIONED_TOPIC)]
        return []

    def facts(self, event_type, payload):
        if self.versioned:
            instance = base.require_mapping(payload, 'nova_object.data')
            instance_id = base.require_id(instance, 'uuid')
            flavor = instance.get('flavor') or {}
            price_key = base.optional_id(flavor.get('nova_object.data') or {},
                                         'flavorid')
        else:
            instance = base.require_mapping(payload)
            instance_id = base.require_id(instance, 'instance_id')
            price_key = base.optional_id(instance, 'instance_flavor_id',
                                         'instance_type')
        project_id = base.optional_id(instance, 'tenant_id', 'project_id')
        name = base.optional_text(instance, 'display_name')
        if event_type == self.prefix + 'delete.end':
            return [facts.Observation('instance', instance_id, project_id,
                                      gone=True, name=name)]
        # Without a flavor the usage is still billable, and so shows up as
        # unpriced instead of disappearing (PRODUCT.md §2.7).
        billable = instance.get('state') not in self.unbillable_states
        return [facts.Observation(
            'instance', instance_id, project_id, billable=billable,
            price_key=price_key, quantity=ONE, name=name)]
