"""The broker durability check, without a broker."""

import socket

from rintik.notification import durability
from rintik.tests import base


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class TestCheckQueue(base.TestCase):

    def test_unreachable_broker_is_a_result(self):
        self.conf.set_override(
            'transport_url', 'rabbit://rintik:s3cret@127.0.0.1:%d/' %
            closed_port())
        result = durability.check_queue(self.conf)
        self.assertEqual((False, durability.UNREACHABLE),
                         (result.ok, result.status))
        self.assertIn('Cannot check queue rintik on the broker',
                      result.message)
        self.assertNotIn('s3cret', result.message)

    def test_urls_of_every_host_with_quoted_credentials(self):
        self.conf.set_override(
            'transport_url', 'rabbit://u:p%40ss@h1:5671,u:p%40ss@h2/vh')
        durability.messaging_conf.register_driver_opts(self.conf)
        self.assertEqual(['amqp://u:p%40ss@h1:5671/vh',
                          'amqp://u:p%40ss@h2:5672/vh'],
                         durability._urls(self.conf))
