"""rintik-api: serve the API with a small threaded WSGI server.

For development and small deployments; production runs
rintik.wsgi.api:application under uWSGI, mod_wsgi or gunicorn.
"""

import socketserver
import sys
from wsgiref import simple_server

from oslo_log import log

from rintik.api import app
from rintik import conf
from rintik.db import engine
from rintik.db import readiness
from rintik import service

CONF = conf.CONF
LOG = log.getLogger(__name__)


class _ThreadingServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    """One thread per request."""

    daemon_threads = True


class _RequestHandler(simple_server.WSGIRequestHandler):
    """Log requests through oslo.log instead of stderr."""

    def log_message(self, message_format, *args):
        LOG.info('%s %s', self.address_string(), message_format % args)


def main():
    service.prepare_service(sys.argv)
    engine.configure(CONF)
    try:
        service.wait_for_database(CONF)
    except readiness.NotReady:
        return 1
    application = app.setup_app(CONF)
    host = conf.api.bind_host(CONF)
    server = simple_server.make_server(
        host, CONF.api.port, application, server_class=_ThreadingServer,
        handler_class=_RequestHandler)
    LOG.info('rintik-api serving on http://%s:%s/', host, CONF.api.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
