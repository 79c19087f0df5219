"""From envelopes to stored usage, with a database."""

import copy
import datetime
import decimal
from unittest import mock

from oslo_serialization import jsonutils
import testscenarios

from rintik.db import quarantine
from rintik.db import usage
from rintik.handlers import compute
from rintik.handlers import manager
from rintik.metering import facts
from rintik.notification import envelope as envelope_mod
from rintik.notification import processor
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.handlers import test_recorded_notifications as recorded

load_tests = testscenarios.load_tests_apply_scenarios

UTC = datetime.timezone.utc
ONE = decimal.Decimal(1)


def aug12(hour, minute=0, second=0):
    return datetime.datetime(2014, 8, 12, hour, minute, second, tzinfo=UTC)


class ProcessorTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.processor = processor.Processor(manager.HandlerSet(self.conf))

    def process(self, envelopes):
        return self.processor.process(self.context, envelopes)

    def usage(self):
        return [(row.resource_type, row.resource_id, row.project_id,
                 row.price_key, row.quantity, row.start, row.end)
                for row in usage.usage_intervals(self.context)]

    def quarantine(self):
        return [(row.message_id, row.event_type, row.reason,
                 jsonutils.loads(row.envelope))
                for row in quarantine.quarantined(self.context)]


def in_order(test, sequence):
    return [test.process(sequence)]


def reversed_batch(test, sequence):
    return [test.process(sequence[::-1])]


def one_by_one_reversed(test, sequence):
    return [test.process([item]) for item in reversed(sequence)]


def duplicated(test, sequence):
    return [test.process(sequence + sequence),
            test.process(sequence[::-1])]


def interleaved_halves(test, sequence):
    return [test.process(sequence[1::2]), test.process(sequence[::2]),
            test.process(sequence)]


class TestSequenceReplay(ProcessorTestCase):
    """A whole Nova operation gives the same usage however it arrives."""

    sequences = [
        # Never leaves vm_state "building" in the template: no usage.
        ('create', {'path': 'sequences/nova__create_sequence__1.json',
                    'handled': 19, 'expected': []}),
        ('delete', {'path': 'sequences/nova__delete_sequence__1.json',
                    'handled': 6, 'expected': [
            ('instance', 'e7ad6b85-8868-5371-863c-186509cc9f61', '133512',
             '2', ONE, aug12(14), aug12(14, 0, 24))]}),
        # active -> stopped: both billable, nothing changes.
        ('power_off', {'path': 'sequences/nova__power_off_sequence__1.json',
                       'handled': 3, 'expected': [
            ('instance', '9e13afbf-a29a-525a-ae74-801fc2ebde5c', '438260',
             '5', ONE, aug12(14), None)]}),
        ('resize_confirm', {
            'path': 'sequences/nova__resize_confirm_sequence__1.json',
            'handled': 9, 'expected': [
                ('instance', '787025ad-75b8-528e-b6ab-e59f09981c7e',
                 '938766', '2', ONE, aug12(14), aug12(14, 0, 16))]}),
        ('resize', {'path': 'sequences/nova__resize_sequence__1.json',
                    'handled': 19, 'expected': [
            ('instance', '2ec6c152-0238-50ea-ae3e-cce083c30992', '898226',
             '6', ONE, aug12(14), aug12(22, 36, 10)),
            ('instance', '2ec6c152-0238-50ea-ae3e-cce083c30992', '898226',
             '7', ONE, aug12(22, 36, 10), None)]}),
    ]
    orders = [(replay.__name__, {'replay': replay}) for replay in (
        in_order, reversed_batch, one_by_one_reversed, duplicated,
        interleaved_halves)]
    scenarios = testscenarios.multiply_scenarios(sequences, orders)

    def test_usage(self):
        sequence = rintik_fixtures.load_notification(self.path)
        outcomes = self.replay(self, sequence)
        self.assertEqual(self.expected, self.usage())
        self.assertEqual(self.handled,
                         sum(outcome.stored for outcome in outcomes))
        self.assertEqual([], self.quarantine())
        # Replaying the archive once more changes nothing.
        again = self.process(sequence)
        self.assertEqual(processor.Outcome(0, self.handled,
                                           len(sequence) - self.handled, 0),
                         again)
        self.assertEqual(self.expected, self.usage())


class TestRecordedFile(ProcessorTestCase):
    """Every single-notification fixture stored alone (files that share
    a message id never meet): nothing is quarantined, ignored events
    leave no trace, a billable "exists" opens usage at its whole second.
    """

    scenarios = [(path, {'path': path}) for path in sorted(recorded.EXPECTED)
                 if not path.startswith('sequences/')]

    def test_stored(self):
        self.config(nova_format=recorded.nova_format(self.path),
                    group='notification')
        self.processor = processor.Processor(manager.HandlerSet(self.conf))
        [envelope] = recorded.load_envelopes(self.path)
        [(_event_type, expected)] = recorded.EXPECTED[self.path]
        outcome = self.process([envelope])
        handled = int(expected is not recorded.IGNORED)
        self.assertEqual(processor.Outcome(handled, 0, 1 - handled, 0),
                         outcome)
        billable = [fact for fact in expected or []
                    if isinstance(fact, facts.Observation) and fact.billable]
        if billable:
            start = envelope_mod.event_time(envelope).replace(microsecond=0)
        self.assertEqual(
            [(fact.resource_type, fact.resource_id, fact.project_id,
              fact.price_key, fact.quantity, start, None)
             for fact in billable],
            self.usage())
        self.assertEqual([], self.quarantine())


class TestDuplicates(ProcessorTestCase):

    def test_shared_message_id_keeps_the_first(self):
        # Documented in the fixture README: a store deduplicating by
        # message id keeps one of the pair.
        retype = rintik_fixtures.load_notification(
            'cinder__volume.retype__1.json')
        delete = rintik_fixtures.load_notification(
            'cinder__volume.delete.end__1.json')
        self.assertEqual(processor.Outcome(1, 0, 0, 0),
                         self.process([retype]))
        self.assertEqual(processor.Outcome(0, 1, 0, 0),
                         self.process([delete]))
        self.assertEqual([(
            'volume', 'f54b1d2f-4514-4688-8da7-4bc66767b6be',
            '1816a16093df465dbc609cf638422a05',
            'a16c8514-616f-4d40-baf7-eb8c8fb18677', ONE,
            datetime.datetime(2016, 3, 7, 16, 24, 45, tzinfo=UTC), None)],
            self.usage())

    def test_envelope_without_message_id_gets_a_stable_one(self):
        envelope = rintik_fixtures.load_notification(
            'neutron__router.update.end__2.json')
        del envelope['message_id']
        self.assertEqual(processor.Outcome(1, 0, 0, 0),
                         self.process([envelope]))
        self.assertEqual(processor.Outcome(0, 1, 0, 0),
                         self.process([copy.deepcopy(envelope)]))
        self.assertEqual(1, len(self.usage()))

    def test_create_update_delete_of_a_floating_ip(self):
        # The delete.end has no project: the others give it.
        envelopes = [rintik_fixtures.load_notification(name) for name in (
            'neutron__floatingip.delete.end__1.json',
            'neutron__floatingip.update.end__4.json',
            'neutron__floatingip.create.end__1.json',
            'neutron__floatingip.update.end__3.json')]
        self.assertEqual(processor.Outcome(4, 0, 0, 0),
                         self.process(envelopes))
        self.assertEqual([(
            'floating_ip', '1a124625-4c71-4d20-a65b-3cf34465dab2',
            '5fe7c4e4e492490393c674089a178e19', None, ONE,
            datetime.datetime(2016, 6, 14, 19, 45, 48, tzinfo=UTC),
            datetime.datetime(2016, 6, 14, 20, 11, 34, tzinfo=UTC))],
            self.usage())

    def test_router_billed_while_it_has_a_gateway(self):
        envelopes = [rintik_fixtures.load_notification(name) for name in (
            'neutron__router.create.end__1.json',
            'neutron__router.update.end__1.json',
            'neutron__router.update.end__2.json',
            'neutron__router.interface.create__1.json',
            'neutron__router.delete.end__1.json')]
        self.assertEqual(processor.Outcome(4, 0, 1, 0),
                         self.process(envelopes[::-1]))
        self.assertEqual([(
            'router', '0b143748-44d2-4545-9230-864c3abbc786',
            '5fe7c4e4e492490393c674089a178e19', None, ONE,
            datetime.datetime(2016, 3, 13, 23, 46, 39, tzinfo=UTC),
            datetime.datetime(2016, 3, 14, 0, 44, 57, tzinfo=UTC))],
            self.usage())


class TestQuarantine(ProcessorTestCase):
    """Notifications that can never be processed are kept with a reason,
    not raised."""

    def assert_quarantined(self, envelope, reason):
        outcome = self.process([envelope])
        self.assertEqual(processor.Outcome(0, 0, 0, 1), outcome)
        self.assertEqual([(envelope['message_id'], envelope['event_type'],
                           reason, envelope)], self.quarantine())
        self.assertEqual([], self.usage())
        # Delivered again: still one quarantined copy.
        self.process([envelope])
        self.assertEqual(1, len(self.quarantine()))

    def test_garbled_timestamp(self):
        garbled = rintik_fixtures.load_notification(
            'edge_cases/neutron__floatingip.update.start__1.json')
        envelope = rintik_fixtures.load_notification(
            'neutron__floatingip.update.end__3.json')
        envelope['timestamp'] = garbled['timestamp']
        self.assert_quarantined(
            envelope, "envelope timestamp '2014-05-3107: 19: 43.463101' is "
                      "not a valid time")

    def test_missing_timestamp(self):
        envelope = rintik_fixtures.load_notification(
            'cinder__volume.create.end__1.json')
        del envelope['timestamp']
        self.assert_quarantined(envelope, 'envelope has no timestamp')

    def test_glance_error_string_payload(self):
        envelope = rintik_fixtures.load_notification(
            'upstream_fixtures/glance__image.upload__1.json')
        envelope.update(priority='ERROR',
                        payload='Image storage media is full: 413')
        self.assert_quarantined(envelope, 'payload has no JSON object')

    def test_no_resource_id(self):
        envelope = rintik_fixtures.load_notification(
            'cinder__volume.create.end__1.json')
        del envelope['payload']['volume_id']
        self.assert_quarantined(envelope, 'payload has no usable volume_id')

    def test_handler_error(self):
        envelope = rintik_fixtures.load_notification(
            'nova__compute.instance.update__1.json')
        with mock.patch.object(compute.InstanceHandler, 'facts',
                               side_effect=KeyError('state')):
            self.assert_quarantined(envelope,
                                    "handler error: KeyError: 'state'")

    def test_good_and_bad_in_one_batch(self):
        good = rintik_fixtures.load_notification(
            'cinder__volume.create.end__1.json')
        bad = copy.deepcopy(good)
        bad['message_id'] = 'bad-1'
        bad['payload']['size'] = 'huge'
        self.assertEqual(processor.Outcome(1, 0, 0, 1),
                         self.process([good, bad]))
        self.assertEqual(1, len(self.usage()))
        self.assertEqual([('bad-1', 'size is not a number')],
                         [row[::2] for row in self.quarantine()])
