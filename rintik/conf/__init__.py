"""Rintik's configuration: every option group registers here."""

from oslo_config import cfg

from rintik.conf import api
from rintik.conf import billing
from rintik.conf import coordination
from rintik.conf import database
from rintik.conf import default
from rintik.conf import healthcheck
from rintik.conf import live_totals
from rintik.conf import messaging
from rintik.conf import notification
from rintik.conf import openstack
from rintik.conf import reconcile
from rintik.conf import smtp
from rintik.conf import unpaid_invoice

CONF = cfg.CONF

default.register_opts(CONF)
database.register_opts(CONF)
messaging.register_opts(CONF)
notification.register_opts(CONF)
billing.register_opts(CONF)
api.register_opts(CONF)
coordination.register_opts(CONF)
healthcheck.register_opts(CONF)
smtp.register_opts(CONF)
openstack.register_opts(CONF)
unpaid_invoice.register_opts(CONF)
reconcile.register_opts(CONF)
live_totals.register_opts(CONF)
