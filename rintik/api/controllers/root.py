"""The root of the API: version document, health check, metrics."""

import pecan
import prometheus_client
import webob

from rintik.api.controllers import base
from rintik.api.controllers import v1
from rintik.api import metrics as api_metrics
from rintik.api import utils

PUBLIC_PATHS = ('/', '/healthcheck')


class HealthcheckController(base.Controller):
    """``/healthcheck``: answers without a token while the process
    serves."""

    @pecan.expose('json')
    def get_all(self):
        return {'status': 'OK'}


class MetricsController(base.Controller):
    """``/metrics``: the Prometheus exposition (admin only)."""

    @pecan.expose()
    def get_all(self):
        utils.authorize('rintik:metrics:get')
        return webob.Response(
            body=api_metrics.exposition(pecan.request.context),
            headerlist=[('Content-Type',
                         prometheus_client.CONTENT_TYPE_LATEST)])


class RootController(base.Controller):
    """``/``: the version document (no token needed)."""

    api = v1.ApiController()
    healthcheck = HealthcheckController()
    metrics = MetricsController()

    @pecan.expose('json')
    def get_all(self):
        return {'name': 'Rintik',
                'description': 'Billing for OpenStack public clouds.',
                'versions': [v1.version(pecan.request.application_url)]}
