"""The notification envelope: listener messages, ids and event times."""

import datetime

import testscenarios

from rintik import exception
from rintik.notification import envelope
from rintik.tests import base

load_tests = testscenarios.load_tests_apply_scenarios

UTC = datetime.timezone.utc


class TestFromListener(base.TestCase):

    def test_batch_message(self):
        message = {'ctxt': {'project_id': 'caller'},
                   'publisher_id': 'volume.host1',
                   'event_type': 'volume.create.end',
                   'payload': {'volume_id': 'v1'},
                   'metadata': {'message_id': 'm1',
                                'timestamp': '2016-03-07 16:23:09.259310'}}
        self.assertEqual({
            'event_type': 'volume.create.end',
            'publisher_id': 'volume.host1',
            'timestamp': '2016-03-07 16:23:09.259310',
            'priority': 'INFO',
            'message_id': 'm1',
            'payload': {'volume_id': 'v1'},
            'ctxt': {'project_id': 'caller'},
        }, envelope.from_listener(message, 'info'))

    def test_missing_metadata_and_context(self):
        # Without a message id, the envelope gets the one derived from
        # its content (computed once, here).
        bare = {'event_type': 'x', 'publisher_id': None, 'timestamp': None,
                'priority': 'INFO', 'message_id': None, 'payload': None,
                'ctxt': {}}
        self.assertEqual(dict(bare, message_id=envelope.message_id(bare)),
                         envelope.from_listener({'event_type': 'x',
                                                 'ctxt': None}, 'info'))
        self.assertEqual('sha256-f123c35b3d8ad497c074b465e84183dd5582322f13'
                         'fdedee40d6ed7d4f3ca186', envelope.message_id(bare))

    def test_own_id_envelope_is_not_copied(self):
        own = {'message_id': 'm1', 'event_type': 'x'}
        self.assertIs(own, envelope.with_message_id(own))


class TestMessageId(base.TestCase):

    def test_own_id_kept(self):
        self.assertEqual('m1', envelope.message_id({'message_id': 'm1'}))

    def test_content_id_is_stable(self):
        first = envelope.message_id({'event_type': 'a', 'payload': {
            'x': 1, 'y': 2}, 'message_id': ''})
        second = envelope.message_id({'payload': {'y': 2, 'x': 1},
                                      'message_id': '', 'event_type': 'a'})
        self.assertEqual(first, second)
        self.assertTrue(first.startswith('sha256-'))
        self.assertEqual(len('sha256-') + 64, len(first))
        self.assertNotEqual(first, envelope.message_id(
            {'event_type': 'b', 'payload': {'x': 1, 'y': 2}}))


class TestEventTime(base.TestCase):

    scenarios = [
        ('oslo_naive_utc', dict(
            value='2016-03-07 16:23:09.259310',
            expected=datetime.datetime(2016, 3, 7, 16, 23, 9, 259310,
                                       tzinfo=UTC))),
        ('iso_t', dict(
            value='2015-07-16T00:00:00.000000',
            expected=datetime.datetime(2015, 7, 16, tzinfo=UTC))),
        ('no_fraction', dict(
            value='2014-08-12 14:00:00',
            expected=datetime.datetime(2014, 8, 12, 14, tzinfo=UTC))),
        ('offset_converted', dict(
            value='2025-08-18T12:38:07.168294+02:00',
            expected=datetime.datetime(2025, 8, 18, 10, 38, 7, 168294,
                                       tzinfo=UTC))),
        ('padded', dict(
            value=' 2014-08-12 14:00:00 ',
            expected=datetime.datetime(2014, 8, 12, 14, tzinfo=UTC))),
    ]

    def test_parsed_as_utc(self):
        moment = envelope.event_time({'timestamp': self.value})
        self.assertEqual(self.expected, moment)
        self.assertEqual(datetime.timedelta(0), moment.utcoffset())


class TestBadEventTime(base.TestCase):

    scenarios = [
        # The garbled timestamps of the ceilometer captures (edge_cases/).
        ('garbled', dict(
            value='2014-05-3107: 19: 43.463101',
            reason="envelope timestamp '2014-05-3107: 19: 43.463101' is "
                   "not a valid time")),
        ('missing', dict(value=None, reason='envelope has no timestamp')),
        ('number', dict(value=1400000000,
                        reason='envelope has no timestamp')),
        ('empty', dict(value='',
                       reason="envelope timestamp '' is not a valid time")),
    ]

    def test_refused(self):
        error = self.assertRaises(exception.InvalidNotification,
                                  envelope.event_time,
                                  {'timestamp': self.value})
        self.assertEqual(self.reason, str(error))
