"""``/healthcheck``: oslo.middleware's health check, with a database
backend.

The backends are [healthcheck] backends: by default ``rintik_database``
(DatabaseHealthcheck, below) and oslo.middleware's ``disable_by_file``
(503 while [healthcheck] disable_by_file_path exists, for draining). The
answer is 200 or 503 with the backends' reasons only, as text or, when
the client prefers it, JSON; never an HTML page.
"""

from concurrent import futures
import threading

from oslo_log import log
from oslo_middleware import healthcheck
from oslo_middleware.healthcheck import pluginbase
import sqlalchemy as sa
import webob

from rintik.api import errors
from rintik.db import engine

LOG = log.getLogger(__name__)

PATH = '/healthcheck'
METHODS = ('GET', 'HEAD')
MEDIA_TYPES = ('text/plain', 'application/json')
DATABASE_UNAVAILABLE = 'DATABASE UNAVAILABLE'


def _select_one():
    with engine.get_engine().connect() as connection:
        connection.execute(sa.select(1)).scalar_one()


def _in_background(function):
    """A Future of ``function()`` run in a daemon thread (one that never
    holds up the process's exit, even if the database never answers)."""
    future = futures.Future()

    def run():
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)

    threading.Thread(target=run, name='rintik-healthcheck-database',
                     daemon=True).start()
    return future


class DatabaseHealthcheck(pluginbase.HealthcheckBaseExtension):
    """The ``rintik_database`` backend: available when the database
    answers SELECT 1 within [healthcheck] database_timeout seconds.

    At most one probe runs at a time; concurrent checks wait for the same
    one, so a hung database does not pile up threads. The reason says
    nothing but DATABASE UNAVAILABLE; the error goes to the log.
    """

    def __init__(self, oslo_conf, conf):
        super().__init__(oslo_conf, conf)
        self._lock = threading.Lock()
        self._probe = None

    def healthcheck(self, server_port):
        with self._lock:
            if self._probe is None or self._probe.done():
                self._probe = _in_background(_select_one)
            probe = self._probe
        try:
            probe.result(timeout=self._conf_get('database_timeout'))
        except futures.TimeoutError:
            LOG.warning('Health check: the database did not answer in '
                        'time.')
        except Exception as error:
            LOG.warning('Health check: the database did not answer: %s',
                        type(error).__name__)
        else:
            return pluginbase.HealthcheckResult(available=True,
                                                reason='OK')
        return pluginbase.HealthcheckResult(available=False,
                                            reason=DATABASE_UNAVAILABLE)


class HealthcheckRoute:
    """Answer ``/healthcheck`` (with or without a trailing slash) with
    oslo.middleware's Healthcheck, without authentication; send every
    other request to ``application``.

    GET and HEAD only (another method is 405 JSON); the Accept header is
    narrowed to text/plain or application/json.
    """

    def __init__(self, application, conf):
        self.application = application
        self.healthcheck = healthcheck.Healthcheck(application, conf)

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '').rstrip('/') != PATH:
            return self.application(environ, start_response)
        if environ.get('REQUEST_METHOD') not in METHODS:
            response = errors.json_response(
                405, {'detail': 'Method Not Allowed.'},
                [('Allow', ', '.join(METHODS))])
            return response(environ, start_response)
        offers = webob.Request(environ).accept.acceptable_offers(MEDIA_TYPES)
        environ['HTTP_ACCEPT'] = offers[0][0] if offers else MEDIA_TYPES[0]
        return self.healthcheck(environ, start_response)
