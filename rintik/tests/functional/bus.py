"""The real RabbitMQ, from the publishing services' side."""

import json
import uuid

import fixtures
import kombu
from kombu import exceptions as kombu_exc

AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672//'
TRANSPORT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'


class Unavailable(Exception):
    """RabbitMQ cannot be reached."""


def wire_body(envelope):
    """The body oslo.messaging's ``messagingv2`` driver sends for
    ``envelope``: context packed as ``_context_*`` keys, a fresh
    ``_unique_id`` per copy sent (so the driver's in-memory dedupe of the
    last 16 ids does not hide a redelivery from Rintik), all wrapped in
    the 2.0 envelope."""
    message = {key: value for key, value in envelope.items()
               if key != 'ctxt'}
    for key, value in (envelope.get('ctxt') or {}).items():
        message['_context_%s' % key] = value
    message['_unique_id'] = uuid.uuid4().hex
    return {'oslo.version': '2.0', 'oslo.message': json.dumps(message)}


class Bus(fixtures.Fixture):
    """A publisher confirmed by the broker, and a view of queues."""

    def __init__(self, url=AMQP_URL):
        super().__init__()
        self.url = url

    def _setUp(self):
        self.connection = kombu.Connection(
            self.url, transport_options={'confirm_publish': True})
        try:
            self.connection.ensure_connection(max_retries=2)
        except Exception as error:
            raise Unavailable('RabbitMQ at %s: %s' % (self.url, error))
        self.addCleanup(self.connection.release)
        self.producer = kombu.Producer(self.connection.channel())

    def publish(self, messages, topic='notifications'):
        """Send ``messages`` (lifecycles.Message) at INFO priority, each to
        its service's exchange, as the services' notifiers do. Exchanges
        are not declared here: the monitor, started first, declared them
        with its bindings (as oslo.messaging does: topic, not durable)."""
        for message in messages:
            self.producer.publish(
                wire_body(message.envelope), exchange=message.exchange,
                routing_key='%s.info' % topic, serializer='json',
                retry=True)

    def ready(self, queue):
        """Messages waiting in ``queue`` (not counting those delivered and
        not yet acknowledged), or None if it does not exist."""
        channel = self.connection.channel()
        try:
            return channel.queue_declare(queue=queue, passive=True)[1]
        except kombu_exc.ChannelError:
            return None
        finally:
            try:
                channel.close()
            except Exception:
                pass

    def delete_exchange(self, exchange):
        channel = self.connection.channel()
        try:
            channel.exchange_delete(exchange)
        finally:
            channel.close()

    def delete_queue(self, queue):
        channel = self.connection.channel()
        try:
            channel.queue_delete(queue=queue)
        finally:
            channel.close()
