"""The root of the API: version document and metrics."""

import pecan
import prometheus_client
import webob
from webob import acceptparse

from rintik.api.controllers import base
from rintik.api.controllers import v1
from rintik.api import metrics as api_metrics
from rintik.api import utils

# /healthcheck is answered before authentication (api.healthcheck).
PUBLIC_PATHS = ('/',)


class MetricsController(base.Controller):
    """``/metrics``: the Prometheus exposition (admin only)."""

    @pecan.expose()
    def get_all(self):
        utils.authorize('rintik:metrics:get')
        gzip = _accepts_gzip(pecan.request)
        chunks = api_metrics.exposition(pecan.request.context, gzip)
        response = webob.Response(
            # A generator: of a list pecan would join and decode the
            # whole body to tell whether it is empty.
            app_iter=(chunk for chunk in chunks),
            headerlist=[('Content-Type',
                         prometheus_client.CONTENT_TYPE_LATEST),
                        ('Vary', 'Accept-Encoding')])
        response.content_length = sum(len(chunk) for chunk in chunks)
        if gzip:
            response.content_encoding = 'gzip'
        return response


def _accepts_gzip(request):
    """Whether Accept-Encoding asks for gzip (none: plain text)."""
    return (isinstance(request.accept_encoding,
                       acceptparse.AcceptEncodingValidHeader) and
            bool(request.accept_encoding.acceptable_offers(['gzip'])))


class RootController(base.Controller):
    """``/``: the version document (no token needed)."""

    api = v1.ApiController()
    metrics = MetricsController()

    @pecan.expose('json')
    def get_all(self):
        return {'name': 'Rintik',
                'description': 'Billing for OpenStack public clouds.',
                'versions': [v1.version(pecan.request.application_url)]}
