"""Handler selection, Nova formats and payload shapes no fixture shows."""

import decimal

import oslo_messaging
import testscenarios

from rintik import exception
from rintik.handlers import manager
from rintik.metering import facts
from rintik.notification import service
from rintik.tests import base

load_tests = testscenarios.load_tests_apply_scenarios

ONE = decimal.Decimal(1)
VERSIONED_TARGET = ('nova', 'versioned_notifications')


def legacy_instance(state, **extra):
    payload = {'instance_id': 'i1', 'tenant_id': 'p1', 'state': state,
               'instance_type': 'm1.tiny', 'instance_type_id': 2,
               'display_name': 'vm'}
    payload.update(extra)
    return payload


class HandlerTestCase(base.TestCase):

    def handler_for(self, event_type, **config):
        if config:
            self.config(group='notification', **config)
        return manager.HandlerSet(self.conf).handler_for(event_type)

    def facts(self, event_type, payload, **config):
        handler = self.handler_for(event_type, **config)
        self.assertIsNotNone(handler, event_type)
        return handler.facts(event_type, payload)


class TestNovaFormat(HandlerTestCase):

    def test_unversioned_handles_legacy_events_only(self):
        handlers = manager.HandlerSet(self.conf)
        self.assertIsNotNone(
            handlers.handler_for('compute.instance.create.end'))
        self.assertIsNone(handlers.handler_for('instance.create.end'))
        self.assertIsNone(handlers.handler_for('instance.update'))
        self.assertEqual([], handlers.extra_targets())
        pairs = [(t.exchange, t.topic)
                 for t in service.targets(self.conf, handlers)]
        self.assertNotIn(VERSIONED_TARGET, pairs)

    def test_versioned_handles_versioned_events_only(self):
        self.config(nova_format='versioned', group='notification')
        handlers = manager.HandlerSet(self.conf)
        self.assertIsNotNone(handlers.handler_for('instance.create.end'))
        self.assertIsNone(
            handlers.handler_for('compute.instance.create.end'))
        self.assertIsNone(handlers.handler_for('compute.instance.update'))
        self.assertEqual([VERSIONED_TARGET], handlers.extra_targets())
        targets = service.targets(self.conf, handlers)
        self.assertIn(oslo_messaging.Target(exchange='nova',
                                            topic='versioned_notifications'),
                      targets)
        self.assertEqual(len(self.conf.notification.exchanges) + 1,
                         len(targets))

    def test_unknown_handler_name_fails(self):
        self.config(enabled_handlers=['volume', 'no_such_handler'],
                    group='notification')
        self.assertRaises(RuntimeError, manager.HandlerSet, self.conf)


class TestEventSelection(HandlerTestCase):
    """Which event types a handler takes; ``None`` means ignored."""

    scenarios = [(name, {'event_type': name, 'handled': handled})
                 for name, handled in [
        ('compute.instance.power_on.end', True),
        ('compute.instance.suspend.end', True),
        ('compute.instance.resume.end', True),
        ('compute.instance.shelve_offload.end', True),
        ('compute.instance.unshelve.end', True),
        ('compute.instance.rescue.end', True),
        ('compute.instance.resize.prep.start', False),
        ('compute.instance.resize.prep.end', False),
        ('compute.instance.create.error', False),
        ('compute.instance.exists.verified', False),
        ('instance.power_on.end', False),
        ('volume.exists', True),
        ('volume.resize.start', False),
        ('snapshot.exists', True),
        ('snapshot.update.end', True),
        ('image.activate', True),
        ('image.upload', True),
        ('image.prepare', False),
        ('floatingip.update.start', False),
        ('router.interface.create', False),
        ('identity.project.updated', True),
        ('identity.user.created', False),
        ('port.create.end', False),
    ]]

    def test_selection(self):
        self.assertEqual(self.handled,
                         self.handler_for(self.event_type) is not None)


class TestPayloadShapes(HandlerTestCase):
    """Documented shapes that no recorded sample shows."""

    scenarios = [
        ('neutron_newton_floatingip_delete', dict(
            event_type='floatingip.delete.end',
            payload={'floatingip_id': 'f1', 'floatingip': {
                'id': 'f1', 'tenant_id': 't1', 'project_id': 'p1',
                'floating_ip_address': '203.0.113.5'}},
            expected=[facts.Observation('floating_ip', 'f1', 'p1',
                                        gone=True)])),
        ('neutron_newton_router_delete', dict(
            event_type='router.delete.end',
            payload={'router_id': 'r1', 'router': {'id': 'r1',
                                                   'tenant_id': 't1'}},
            expected=[facts.Observation('router', 'r1', 't1', gone=True)])),
        ('router_gateway_cleared', dict(
            event_type='router.update.end',
            payload={'router': {'id': 'r1', 'tenant_id': 't1', 'name': 'gw',
                                'external_gateway_info': None}},
            expected=[facts.Observation('router', 'r1', 't1', quantity=ONE,
                                        name='gw')])),
        ('keystone_basic_format', dict(
            event_type='identity.project.deleted',
            payload={'resource_info': 'p9'},
            expected=[facts.ProjectEvent('p9', retired=True)])),
        ('image_active_without_size', dict(
            event_type='image.activate',
            payload={'id': 'img', 'owner': 'p1', 'status': 'active',
                     'size': None, 'name': 'n'},
            expected=[facts.Observation('image', 'img', 'p1', name='n')])),
        ('image_killed', dict(
            event_type='image.upload',
            payload={'id': 'img', 'owner': 'p1', 'status': 'killed',
                     'size': 10, 'name': 'n'},
            expected=[facts.Observation('image', 'img', 'p1', gone=True,
                                        name='n')])),
        ('image_one_gib', dict(
            event_type='image.activate',
            payload={'id': 'img', 'owner': 'p1', 'status': 'active',
                     'size': 3 * 2 ** 30 + 2 ** 29, 'name': None},
            expected=[facts.Observation('image', 'img', 'p1', billable=True,
                                        quantity=decimal.Decimal('3.5'))])),
        ('instance_error_state', dict(
            event_type='compute.instance.update',
            payload=legacy_instance('error'),
            expected=[facts.Observation('instance', 'i1', 'p1',
                                        price_key='m1.tiny', quantity=ONE,
                                        name='vm')])),
        ('instance_flavor_id_wins', dict(
            event_type='compute.instance.update',
            payload=legacy_instance('active', instance_flavor_id='42'),
            expected=[facts.Observation('instance', 'i1', 'p1',
                                        billable=True, price_key='42',
                                        quantity=ONE, name='vm')])),
        ('instance_without_flavor_is_unpriced', dict(
            event_type='compute.instance.update',
            payload=legacy_instance('active', instance_type=''),
            expected=[facts.Observation('instance', 'i1', 'p1',
                                        billable=True, quantity=ONE,
                                        name='vm')])),
        ('volume_exists', dict(
            event_type='volume.exists',
            payload={'volume_id': 'v1', 'tenant_id': 'p1', 'size': 40,
                     'volume_type': 'ssd', 'display_name': None},
            expected=[facts.Observation('volume', 'v1', 'p1', billable=True,
                                        price_key='ssd',
                                        quantity=decimal.Decimal(40))])),
    ]

    def test_facts(self):
        self.assertEqual(self.expected,
                         self.facts(self.event_type, self.payload))


class TestInvalidPayloads(HandlerTestCase):
    """Payloads that can never be processed raise InvalidNotification."""

    scenarios = [
        ('glance_error_string', dict(
            event_type='image.upload', payload='Image storage media is full',
            reason='payload has no JSON object')),
        ('no_volume_id', dict(
            event_type='volume.create.end',
            payload={'tenant_id': 'p1', 'size': 1},
            reason='payload has no usable volume_id')),
        ('blank_instance_id', dict(
            event_type='compute.instance.update',
            payload=legacy_instance('active', instance_id=' '),
            reason='payload has no usable instance_id')),
        ('floatingip_delete_without_id', dict(
            event_type='floatingip.delete.end', payload={},
            reason='payload has no usable id')),
        ('router_without_object', dict(
            event_type='router.update.end', payload={'router': None},
            reason='payload has no router object')),
        ('keystone_without_resource_info', dict(
            event_type='identity.project.created', payload={'target': {}},
            reason='payload has no usable resource_info')),
        ('negative_size', dict(
            event_type='volume.resize.end',
            payload={'volume_id': 'v1', 'size': -1},
            reason='size is not a size')),
        ('boolean_size', dict(
            event_type='volume.resize.end',
            payload={'volume_id': 'v1', 'size': True},
            reason='payload has no usable size')),
        ('text_size', dict(
            event_type='snapshot.create.end',
            payload={'snapshot_id': 's1', 'volume_size': 'big'},
            reason='volume_size is not a number')),
        ('infinite_size', dict(
            event_type='volume.exists',
            payload={'volume_id': 'v1', 'size': 'Infinity'},
            reason='size is not a size')),
        ('fractional_image_bytes', dict(
            event_type='image.update',
            payload={'id': 'img', 'status': 'active', 'size': '1.5'},
            reason='size is not whole bytes')),
    ]

    def test_refused(self):
        error = self.assertRaises(exception.InvalidNotification, self.facts,
                                  self.event_type, self.payload)
        self.assertEqual(self.reason, str(error))


class TestVersionedShapes(HandlerTestCase):

    def test_missing_nova_object_is_invalid(self):
        error = self.assertRaises(
            exception.InvalidNotification, self.facts, 'instance.update',
            {'uuid': 'i1'}, nova_format='versioned')
        self.assertEqual('payload has no nova_object.data object',
                         str(error))

    def test_without_flavor_billable_unpriced(self):
        self.assertEqual(
            [facts.Observation('instance', 'i1', 'p1', billable=True,
                               quantity=ONE)],
            self.facts('instance.update', {'nova_object.data': {
                'uuid': 'i1', 'tenant_id': 'p1', 'state': 'active'}},
                nova_format='versioned'))


class TestBillableStates(HandlerTestCase):

    def test_states_are_configurable(self):
        payload = legacy_instance('stopped')
        self.assertTrue(self.facts('compute.instance.power_off.end',
                                   payload)[0].billable)
        self.config(unbillable_instance_states=['stopped'],
                    group='notification')
        self.assertFalse(self.facts('compute.instance.power_off.end',
                                    payload)[0].billable)

    def test_default_states(self):
        billable = {state: self.facts('compute.instance.update',
                                      legacy_instance(state))[0].billable
                    for state in ['active', 'building', 'paused',
                                  'suspended', 'stopped', 'rescued',
                                  'resized', 'soft-delete', 'deleted',
                                  'error', 'shelved', 'shelved_offloaded',
                                  'a-future-state']}
        self.assertEqual(
            {'active': True, 'building': False, 'paused': True,
             'suspended': True, 'stopped': True, 'rescued': True,
             'resized': True, 'soft-delete': False, 'deleted': False,
             'error': False, 'shelved': True, 'shelved_offloaded': False,
             'a-future-state': True},
            billable)
