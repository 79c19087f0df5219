"""A RabbitMQ restart loses nothing: the monitor's queue is durable.

The test runs its own RabbitMQ node (rabbit_node.py). The monitor runs
once to declare its queue and bindings and stops; a few thousand
notifications are published; the node restarts; the queue still holds
them all; the monitor then derives exactly what ``rintik-manage replay``
derives from the same notifications. A monitor whose queue is not
durable says so at start-up.
"""

import json
import os

from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.functional import bus as bus_mod
from rintik.tests.functional import process
from rintik.tests.functional import rabbit_node
from rintik.tests.functional import test_monitor

load_tests = test_monitor.load_tests

DURABLE = 'Queue %s on the broker at 127.0.0.1:%d is durable.'
NOT_DURABLE = 'ERROR rintik.notification.durability [-] Queue %s on the ' \
    'broker at 127.0.0.1:%d is not durable'


class BrokerRestartTest(test_monitor.MonitorTestCase):

    scenarios = [
        ('mariadb', {'FIXTURE': rintik_fixtures.MySQLDatabase}),
    ]

    def setUp(self):
        super().setUp()
        try:
            self.node = self.useFixture(rabbit_node.RabbitNode())
        except rabbit_node.Unavailable as error:
            if test_monitor.CI:
                raise
            self.skipTest(str(error))
        self.bus = self.useFixture(bus_mod.Bus(self.node.url))
        self.transport_url = self.node.transport_url

    def replayed_usage(self, messages):
        """``rintik-manage usage list`` after ``rintik-manage replay`` of
        ``messages`` into a database of its own."""
        path = os.path.join(self.directory, 'replayed.jsonl')
        with open(path, 'w', encoding='utf-8') as stream:
            for message in messages:
                stream.write(json.dumps(message.envelope) + '\n')
        config = os.path.join(self.directory, 'replay.conf')
        process.write_config(config, {'database': {
            'connection': 'sqlite:///' + os.path.join(self.directory,
                                                      'replay.db')}})
        process.manage(config, 'db', 'sync', as_json=False)
        process.manage(config, 'replay', path, as_json=False)
        return process.manage(config, 'usage', 'list')

    def test_restart_keeps_the_backlog(self):
        copies = 40
        messages = test_monitor._many(copies)
        monitor = self.start_monitor()
        self.assertIn(DURABLE % (self.pool, self.node.port), monitor.log())
        monitor.stop()
        self.publish(messages)
        self.assertEqual((True, len(messages)),
                         self.node.queues()[self.pool])
        self.node.restart()
        self.assertEqual((True, len(messages)),
                         self.node.queues()[self.pool],
                         'the queue lost notifications in the restart')
        self.bus = self.useFixture(bus_mod.Bus(self.node.url))
        monitor.start()
        self.wait_until_done(messages)
        self.assertMetered(messages, copies)
        self.assertEqual(self.replayed_usage(messages), process.manage(
            monitor.config_file, 'usage', 'list'))
        self.assertEqual(0, self.node.queues()[self.pool][1])

    def test_error_logged_when_the_queue_is_not_durable(self):
        monitor = self.start_monitor(rabbit={'amqp_durable_queues': False})
        self.assertIn(NOT_DURABLE % (self.pool, self.node.port),
                      monitor.log())
        self.assertEqual((False, 0), self.node.queues()[self.pool])
