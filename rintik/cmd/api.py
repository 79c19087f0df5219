"""rintik-api: serve the API with a small threaded WSGI server.

For development and small deployments; production runs
rintik.wsgi.api:application under uWSGI, mod_wsgi or gunicorn.
"""

import json
import socketserver
import sys
from wsgiref import simple_server

from oslo_log import log

from rintik.api import app
from rintik.api.middleware import json_errors
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
    """Log requests through oslo.log instead of stderr, and answer the
    errors found before the application runs (a request line over 64 KiB
    is 414, a malformed one 400, too many headers 431) in JSON like every
    other error, not wsgiref's HTML page."""

    error_content_type = 'application/json'

    def log_message(self, message_format, *args):
        LOG.info('%s %s', self.address_string(), message_format % args)

    def send_error(self, code, message=None, explain=None):
        # The format is the whole body: no placeholder, so nothing of
        # the request (the caller's message) is echoed into it.
        self.error_message_format = json.dumps(
            json_errors.error_body(code)).replace('%', '%%')
        super().send_error(code)


def make_server(host, port, application):
    """The threaded wsgiref server of rintik-api, not yet serving."""
    return simple_server.make_server(
        host, port, application, server_class=_ThreadingServer,
        handler_class=_RequestHandler)


def main():
    service.prepare_service(sys.argv)
    engine.configure_or_exit(CONF)
    try:
        service.wait_for_database(CONF)
    except readiness.NotReady:
        return 1
    application = app.setup_app(CONF)
    host = conf.api.bind_host(CONF)
    server = make_server(host, CONF.api.port, application)
    LOG.info('rintik-api serving on http://%s:%s/', host, CONF.api.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
