"""Helpers of tools/run-local.sh, run with the Rintik virtualenv's Python
(kombu comes with oslo.messaging):

  local.py amqp-answers AMQP_URL          exit 0 when RabbitMQ logs us in
  local.py publish AMQP_URL TOPIC FILE    send FILE's notifications
  local.py drain AMQP_URL QUEUE SECONDS   wait until QUEUE has none ready
  local.py delete-queue AMQP_URL QUEUE
  local.py http-answers URL SECONDS       wait until URL answers HTTP
  local.py example-invoices PERIOD_START  ids of that period's invoices,
                                          from `invoice list --format json`
                                          on stdin

Notifications are sent as the services' oslo.messaging ``messagingv2``
notifiers send them, keeping each one's own message id and timestamp,
to its service's exchange with routing key TOPIC.info.
"""

import json
import sys
import time
import urllib.error
import urllib.request

import kombu
from kombu import exceptions as kombu_exc

# The control exchange each service publishes on (Cinder: "openstack").
EXCHANGES = (('compute.', 'nova'), ('volume.', 'openstack'),
             ('snapshot.', 'openstack'), ('floatingip.', 'neutron'),
             ('router.', 'neutron'), ('identity.', 'keystone'),
             ('image.', 'glance'))


def _connection(url):
    connection = kombu.Connection(url, connect_timeout=5, transport_options={
        'confirm_publish': True})
    connection.ensure_connection(max_retries=1)
    return connection


def amqp_answers(url):
    try:
        _connection(url).release()
    except Exception as error:
        sys.stderr.write('RabbitMQ at %s: %s\n' % (url.split('@')[-1],
                                                   error))
        return 1
    return 0


def _exchange(event_type):
    for prefix, exchange in EXCHANGES:
        if event_type.startswith(prefix):
            return exchange
    raise ValueError('no exchange known for %s' % event_type)


def _wire_body(envelope):
    """The body of ``messagingv2``: the message (the example has no
    request context) wrapped in the 2.0 envelope."""
    return {'oslo.version': '2.0', 'oslo.message': json.dumps(envelope)}


def publish(url, topic, path):
    with open(path, encoding='utf-8') as stream:
        envelopes = [json.loads(line) for line in stream if line.strip()]
    connection = _connection(url)
    try:
        producer = kombu.Producer(connection.channel())
        for envelope in envelopes:
            # The exchanges are the monitor's: it declared and bound them.
            producer.publish(_wire_body(envelope),
                             exchange=_exchange(envelope['event_type']),
                             routing_key='%s.info' % topic,
                             serializer='json', retry=True)
    finally:
        connection.release()
    print(len(envelopes))
    return 0


def drain(url, queue, seconds):
    """Wait until no message of ``queue`` waits for its consumer."""
    connection = _connection(url)
    deadline = time.monotonic() + float(seconds)
    try:
        channel = connection.channel()
        while channel.queue_declare(queue=queue,
                                    passive=True).message_count:
            if time.monotonic() > deadline:
                return 1
            time.sleep(0.5)
    except kombu_exc.ChannelError:
        pass  # no such queue: nothing waits in it
    finally:
        connection.release()
    return 0


def delete_queue(url, queue):
    connection = _connection(url)
    try:
        connection.channel().queue_delete(queue=queue)
    finally:
        connection.release()
    return 0


def http_answers(url, seconds):
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return 0
        except urllib.error.HTTPError:
            return 0  # any HTTP answer: it listens
        except OSError:
            time.sleep(0.5)
    return 1


def example_invoices(period_start):
    for invoice in json.load(sys.stdin):
        if invoice['period_start'] == period_start:
            print(invoice['id'])
    return 0


COMMANDS = {'amqp-answers': amqp_answers, 'publish': publish,
            'drain': drain, 'delete-queue': delete_queue,
            'http-answers': http_answers,
            'example-invoices': example_invoices}

if __name__ == '__main__':
    sys.exit(COMMANDS[sys.argv[1]](*sys.argv[2:]))
