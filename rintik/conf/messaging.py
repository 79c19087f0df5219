"""oslo.messaging's options with Rintik's defaults.

Rintik changes two oslo.messaging defaults:

* ``[DEFAULT] transport_url`` is ``rabbit://guest:guest@127.0.0.1:5672/``
  (a single-host installation).
* ``[oslo_messaging_rabbit] amqp_durable_queues`` is ``True``: the
  monitor's queue (named after ``[notification] pool_name``) and the
  exchanges it binds are declared durable, so the notifications waiting
  in it survive a RabbitMQ restart. ``[oslo_messaging_rabbit]
  rabbit_quorum_queue`` (default ``False``) declares a quorum queue
  instead, which also survives the loss of a node of a RabbitMQ cluster.
  The producing services must declare their exchanges durable too (see
  the install guide's RabbitMQ page), and rintik-monitor logs an error at
  start-up when the broker's queue is not durable, whatever these
  options say.
"""

from oslo_config import cfg
import oslo_messaging
# The option objects oslo.messaging registers itself; oslo.messaging has
# no public hook to change their defaults.
from oslo_messaging._drivers import amqp as messaging_amqp
from oslo_messaging import opts as messaging_opts
from oslo_messaging import transport

DEFAULT_TRANSPORT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
RABBIT_GROUP = 'oslo_messaging_rabbit'
NOTIFICATIONS_GROUP = 'oslo_messaging_notifications'


def _group_opts(name):
    for group, opts in messaging_opts.list_opts():
        if str(group or 'DEFAULT') == name:
            return list(opts)
    return []


def register_opts(conf):
    oslo_messaging.set_transport_defaults('rintik')
    # list_opts() hands out copies of the option objects: setting the
    # defaults on the originals makes the driver, which registers the
    # originals, and the generated sample use Rintik's defaults.
    cfg.set_defaults(getattr(transport, '_transport_opts', []),
                     transport_url=DEFAULT_TRANSPORT_URL)
    cfg.set_defaults(messaging_amqp.amqp_opts, amqp_durable_queues=True)
    conf.register_opts(_group_opts('DEFAULT'))
    conf.set_default('transport_url', DEFAULT_TRANSPORT_URL)


def register_driver_opts(conf):
    """Register the RabbitMQ driver's and the notifier's options (the
    driver registers them only when a transport is built)."""
    conf.register_opts(_group_opts(RABBIT_GROUP), group=RABBIT_GROUP)
    conf.register_opts(_group_opts(NOTIFICATIONS_GROUP),
                       group=NOTIFICATIONS_GROUP)


def list_opts():
    # The full oslo.messaging option set comes from its own namespace in
    # the generator config; the changed defaults are set on it above.
    return {}


def apply_prefetch(conf):
    """Bound RabbitMQ's prefetch by [notification] prefetch_count, unless
    the operator set [oslo_messaging_rabbit] rabbit_qos_prefetch_count."""
    register_driver_opts(conf)
    if not conf.oslo_messaging_rabbit.rabbit_qos_prefetch_count:
        conf.set_override('rabbit_qos_prefetch_count',
                          conf.notification.prefetch_count,
                          group=RABBIT_GROUP)
