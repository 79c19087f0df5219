"""rintik-monitor's service: one batch notification listener per worker."""

import gc
import logging

import oslo_messaging
from oslo_service import service

from rintik.handlers import manager
from rintik.notification import durability
from rintik.notification import endpoint
from rintik.notification import processor
from rintik.reconcile import periodic

LOG = logging.getLogger(__name__)


def targets(conf, handlers):
    """Every (exchange, topic) Rintik consumes, as oslo.messaging targets."""
    pairs = [(exchange, topic)
             for exchange in conf.notification.exchanges
             for topic in conf.notification.topics]
    for pair in handlers.extra_targets():
        if pair not in pairs:
            pairs.append(pair)
    return [oslo_messaging.Target(exchange=exchange, topic=topic)
            for exchange, topic in pairs]


class MonitorService(service.Service):
    """Listens to the bus. The listener is built in ``start()``, after the
    launcher has forked the worker, so no connection crosses a fork."""

    def __init__(self, conf):
        super().__init__()
        self.conf = conf
        self.listener = None
        self.reconciler = periodic.PeriodicReconcile(conf)

    def start(self):
        super().start()
        handlers = manager.HandlerSet(self.conf)
        transport = oslo_messaging.get_notification_transport(self.conf)
        bound = targets(self.conf, handlers)
        batch_endpoint = endpoint.BatchEndpoint(
            processor.Processor(handlers),
            transient_attempts=self.conf.notification.transient_attempts)
        self.listener = oslo_messaging.get_batch_notification_listener(
            transport, bound, [batch_endpoint],
            allow_requeue=True, pool=self.conf.notification.pool_name,
            batch_size=self.conf.notification.batch_size,
            batch_timeout=self.conf.notification.batch_timeout)
        # One executor thread: batches are stored one after the other, in
        # arrival order. Concurrent batches of one process would only
        # contend for the same rows (deadlocks, retries); scale with
        # [notification] workers instead.
        self.listener.start(override_pool_size=1)
        # The listener has declared the queue: ask the broker whether it
        # survives a restart, whatever the configuration says.
        durability.log_check(self.conf, sorted(set(
            target.exchange for target in bound)))
        LOG.info('Listening in pool %s to %s',
                 self.conf.notification.pool_name,
                 ', '.join('%s/%s' % (t.exchange, t.topic) for t in bound))
        self.reconciler.start()
        # What start-up built lives as long as the worker: keep it out of
        # the garbage collector's full passes, which the notifications'
        # many short-lived objects trigger.
        gc.freeze()

    def stop(self, graceful=True):
        # Stop taking messages, let the batch in hand commit (and be
        # acknowledged) or stay unacknowledged, then close the connection.
        self.reconciler.stop()
        if self.listener is not None:
            self.listener.stop()
            self.listener.wait()
            self.listener = None
        super().stop(graceful)
