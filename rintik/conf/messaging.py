"""oslo.messaging's options with Rintik's single-host defaults."""

from oslo_config import cfg
import oslo_messaging
from oslo_messaging import opts as messaging_opts
from oslo_messaging import transport

DEFAULT_TRANSPORT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'


def _group_opts(name):
    for group, opts in messaging_opts.list_opts():
        if str(group or 'DEFAULT') == name:
            return list(opts)
    return []


def register_opts(conf):
    oslo_messaging.set_transport_defaults('rintik')
    # oslo.messaging's list_opts() hands out copies of its option objects;
    # setting the default on the originals makes the generated sample show
    # Rintik's default as well (oslo.messaging has no public hook for it).
    cfg.set_defaults(getattr(transport, '_transport_opts', []),
                     transport_url=DEFAULT_TRANSPORT_URL)
    conf.register_opts(_group_opts('DEFAULT'))
    conf.set_default('transport_url', DEFAULT_TRANSPORT_URL)


def list_opts():
    # The full oslo.messaging option set comes from its own namespace in
    # the generator config; only the changed default is documented here.
    return {}


def apply_prefetch(conf):
    """Bound RabbitMQ's prefetch by [notification] prefetch_count, unless
    the operator set [oslo_messaging_rabbit] rabbit_qos_prefetch_count."""
    conf.register_opts(_group_opts('oslo_messaging_rabbit'),
                       group='oslo_messaging_rabbit')
    if not conf.oslo_messaging_rabbit.rabbit_qos_prefetch_count:
        conf.set_override('rabbit_qos_prefetch_count',
                          conf.notification.prefetch_count,
                          group='oslo_messaging_rabbit')
