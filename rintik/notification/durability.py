"""Whether the broker keeps Rintik's notifications across a restart.

oslo.messaging declares the monitor's queue durable when
``[oslo_messaging_rabbit] amqp_durable_queues`` (or ``rabbit_quorum_queue``)
is set, but when a producing service declared its exchange non-durable
first it logs a warning and falls back to a non-durable queue. So the
broker is asked, not the configuration: the queue (``[notification]
pool_name``) must exist and be durable, and so must the exchanges it is
bound from.

AMQP's passive declare proves that a queue or exchange exists but says
nothing of its flags; a second, active declare of the existing entity as
durable tells: RabbitMQ answers PRECONDITION_FAILED "inequivalent arg
'durable'" (and changes nothing) when the entity is not durable. It
checks ``durable`` before any other argument, so a refusal naming
another argument (a quorum queue's ``x-queue-type``) means the entity
is durable.
"""

import collections
import logging
import ssl
from urllib import parse

from amqp import exceptions as amqp_exc
import kombu
import oslo_messaging

from rintik.conf import messaging as messaging_conf

LOG = logging.getLogger(__name__)

# status is one of DURABLE, NOT_DURABLE, MISSING, UNREACHABLE.
Result = collections.namedtuple('Result', 'ok status message')
DURABLE = 'durable'
NOT_DURABLE = 'not durable'
MISSING = 'missing'
UNREACHABLE = 'unreachable'

GUIDE = ('set [oslo_messaging_rabbit] amqp_durable_queues = true (or '
         'rabbit_quorum_queue = true) on Rintik and on every producing '
         'service, then drain and delete the queue as the install guide\'s '
         'RabbitMQ page says')
CONNECT_TIMEOUT = 5


def _urls(conf):
    """kombu URLs (one per broker host) of the notification transport."""
    url = oslo_messaging.TransportURL.parse(
        conf, conf.oslo_messaging_notifications.transport_url)
    return ['amqp://%s:%s@%s:%d/%s' % (
        parse.quote(host.username or '', safe=''),
        parse.quote(host.password or '', safe=''),
        host.hostname or '127.0.0.1', host.port or 5672,
        parse.quote(url.virtual_host or '', safe=''))
        for host in url.hosts] or ['amqp://127.0.0.1:5672/']


def _ssl_options(conf):
    rabbit = conf.oslo_messaging_rabbit
    if not rabbit.ssl:
        return False
    options = {key: value for key, value in (
        ('keyfile', rabbit.ssl_key_file), ('certfile', rabbit.ssl_cert_file),
        ('ca_certs', rabbit.ssl_ca_file)) if value}
    if rabbit.ssl_ca_file:
        options['cert_reqs'] = ssl.CERT_REQUIRED
    return options or True


def _declared_durable(connection, declare):
    """Run ``declare(channel)`` on a channel of its own: True if the
    broker accepts a durable declaration, False if it refuses it because
    the entity is not durable."""
    channel = connection.channel()
    try:
        declare(channel)
    except amqp_exc.PreconditionFailed as error:
        return "arg 'durable'" not in str(error)
    finally:
        _close(channel)
    return True


def _close(channel):
    try:
        channel.close()
    except Exception:  # the broker closed it after refusing a declare
        pass


def _exists(connection, declare):
    """Run a passive ``declare(channel)``: False if the broker has no
    such entity."""
    channel = connection.channel()
    try:
        declare(channel)
    except amqp_exc.NotFound:
        return False
    finally:
        _close(channel)
    return True


def _non_durable_exchanges(connection, exchanges):
    found = []
    for name in exchanges:
        if not _exists(connection, lambda channel: channel.exchange_declare(
                name, 'topic', passive=True)):
            continue
        if not _declared_durable(connection, lambda channel: (
                channel.exchange_declare(name, 'topic', durable=True,
                                         auto_delete=False))):
            found.append(name)
    return found


def check_queue(conf, exchanges=None):
    """Ask the broker whether the monitor's queue survives a restart.

    ``exchanges`` are the exchanges the queue is bound from (default:
    ``[notification] exchanges``). Returns a Result: ``ok`` is True only
    when the queue exists, is durable and none of those exchanges that
    exist is non-durable; ``message`` says what was found and what to do.
    Never raises: an unreachable broker is a Result too.
    """
    messaging_conf.register_driver_opts(conf)
    queue = conf.notification.pool_name
    if exchanges is None:
        exchanges = conf.notification.exchanges
    connection = kombu.Connection(
        ';'.join(_urls(conf)), ssl=_ssl_options(conf),
        connect_timeout=CONNECT_TIMEOUT, heartbeat=0)
    try:
        connection.ensure_connection(max_retries=1)
        where = connection.host
        if not _exists(connection, lambda channel: channel.queue_declare(
                queue, passive=True)):
            return Result(False, MISSING, (
                'Queue %s does not exist on the broker at %s: '
                'rintik-monitor declares it when it starts; until then '
                'notifications are not kept for Rintik.' % (queue, where)))
        if not _declared_durable(connection, lambda channel: (
                channel.queue_declare(queue, durable=True,
                                      auto_delete=False))):
            return Result(False, NOT_DURABLE, (
                'Queue %s on the broker at %s is not durable: the '
                'notifications waiting in it are lost when RabbitMQ '
                'restarts. To fix it, %s.' % (queue, where, GUIDE)))
        transient = _non_durable_exchanges(connection, exchanges)
        if transient:
            return Result(False, NOT_DURABLE, (
                'Queue %s on the broker at %s is durable, but exchanges '
                '%s are not: their bindings are lost when RabbitMQ '
                'restarts. To fix it, %s.' % (
                    queue, where, ', '.join(transient), GUIDE)))
        return Result(True, DURABLE, 'Queue %s on the broker at %s is '
                      'durable.' % (queue, where))
    except Exception as error:
        return Result(False, UNREACHABLE, (
            'Cannot check queue %s on the broker: %s: %s' % (
                queue, type(error).__name__, error)))
    finally:
        connection.release()


def log_check(conf, exchanges=None):
    """Check the broker and log the result: an ERROR unless durable."""
    result = check_queue(conf, exchanges)
    if result.ok:
        LOG.info('%s', result.message)
    else:
        LOG.error('%s', result.message)
    return result
