"""``/api/``: the resources of the dashboard contract.

A resource ``/api/<name>/`` is a ``base.Controller`` in its own module
of this package, mounted on ApiController as an attribute named like its
path segment (``price = price.PriceController()``). Its methods
(get_all, get_one, post, put, patch, delete, and ``_custom_actions`` for
``/<id>/<action>/``) are ``@pecan.expose('json')`` and begin with
``utils.authorize()``. Read query parameters from ``pecan.request.GET``:
pecan takes positional parameters, even with defaults, as path segments
and mixes a JSON body's keys into keyword arguments.
"""

import pecan

from rintik.api.controllers import base
from rintik.api.controllers.v1 import balance
from rintik.api.controllers.v1 import invoice
from rintik.api.controllers.v1 import notification
from rintik.api.controllers.v1 import overview
from rintik.api.controllers.v1 import price
from rintik.api.controllers.v1 import settings
from rintik.api.controllers.v1 import usage
from rintik.api import utils


def version(host_url):
    """The description of this API version."""
    return {'id': 'v1', 'status': 'CURRENT',
            'links': [{'rel': 'self', 'href': host_url + '/api/'}]}


class ApiController(base.Controller):
    """Mount point of the resource controllers."""

    price = price.PriceController()
    settings = settings.SettingsController()
    invoice = invoice.InvoiceController()
    admin_overview = overview.AdminOverviewController()
    project_overview = overview.ProjectOverviewController()
    notification = notification.NotificationController()
    balance = balance.BalanceController()
    usage = usage.UsageController()

    @pecan.expose('json')
    def get_all(self):
        utils.authorize('rintik:version:get')
        return version(pecan.request.application_url)
