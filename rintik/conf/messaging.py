"""oslo.messaging's options with Rintik's single-host defaults."""

import oslo_messaging
from oslo_messaging import opts as messaging_opts

DEFAULT_TRANSPORT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'


def _default_group_opts():
    for group, opts in messaging_opts.list_opts():
        if group is None or str(group) == 'DEFAULT':
            return list(opts)
    return []


def register_opts(conf):
    oslo_messaging.set_transport_defaults('rintik')
    conf.register_opts(_default_group_opts())
    conf.set_default('transport_url', DEFAULT_TRANSPORT_URL)


def list_opts():
    # The full oslo.messaging option set comes from its own namespace in
    # the generator config; only the changed default is documented here.
    return {}
