"""rintik-api's built-in server: errors found before the application
runs are JSON too."""

import http.client
import json
import threading

from rintik.api import app
from rintik.cmd import api as api_command
from rintik.tests import base
from rintik.tests.unit.api import fixtures


class BuiltInServerTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.ApiEnvironment())
        server = api_command.make_server('127.0.0.1', 0,
                                         app.setup_app(self.conf))
        self.addCleanup(server.server_close)
        thread = threading.Thread(target=server.serve_forever,
                                  kwargs={'poll_interval': 0.05})
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(server.shutdown)
        self.port = server.server_address[1]

    def _raw(self, request_bytes):
        """Send raw bytes; (status, content type, body) of the answer."""
        connection = http.client.HTTPConnection('127.0.0.1', self.port,
                                                timeout=10)
        self.addCleanup(connection.close)
        connection.connect()
        connection.sock.sendall(request_bytes)
        response = http.client.HTTPResponse(connection.sock)
        response.begin()
        return (response.status, response.getheader('Content-Type'),
                response.read())

    def test_a_70_kb_query_string_is_414_json(self):
        query = 'tenant_id=' + 'x' * 70 * 1024
        status, content_type, body = self._raw(
            b'GET /api/invoice/?%s HTTP/1.1\r\nHost: t\r\n\r\n'
            % query.encode())
        self.assertEqual((414, 'application/json'), (status, content_type))
        self.assertEqual({'detail': 'Request-URI Too Long.'},
                         json.loads(body))

    def test_a_malformed_request_line_is_400_json(self):
        status, content_type, body = self._raw(
            b'GET /a "}<b> HTTP/1.1\r\n\r\n')
        self.assertEqual((400, 'application/json'), (status, content_type))
        self.assertEqual({'message': 'Bad request.'}, json.loads(body))

    def test_a_request_through_the_server(self):
        status, content_type, body = self._raw(
            b'GET /healthcheck HTTP/1.1\r\nHost: t\r\n'
            b'Accept: application/json\r\n\r\n')
        self.assertEqual((200, 'application/json'), (status, content_type))
        self.assertEqual({'reasons': ['OK', 'OK'], 'detailed': False},
                         json.loads(body))
