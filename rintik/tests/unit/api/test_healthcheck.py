"""``/healthcheck``: the database probe, drain by file, the answer's
shape."""

import os
import socket
import threading
import time

import fixtures
import sqlalchemy as sa
import webob

from rintik.api import app
from rintik.api import healthcheck
from rintik.tests import base
from rintik.tests.unit.api import fixtures as api_fixtures

HEALTHY = {'reasons': ['OK', 'OK'], 'detailed': False}
DATABASE_DOWN = {'reasons': ['DATABASE UNAVAILABLE', 'OK'],
                 'detailed': False}


def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class _SilentServer(fixtures.Fixture):
    """A TCP port that accepts connections and never answers: a database
    that hangs."""

    def _setUp(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.addCleanup(self.sock.close)
        self.port = self.sock.getsockname()[1]


class HealthcheckTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.environment = self.useFixture(api_fixtures.ApiEnvironment())
        self.application = app.setup_app(self.conf)

    def _get(self, accept='application/json'):
        return webob.Request.blank('/healthcheck', headers={
            'Accept': accept}).get_response(self.application)

    def _database_at(self, port, **query):
        url = sa.engine.URL.create(
            'mysql+pymysql', username='rintik', password='s3cret',
            host='127.0.0.1', port=port, database='rintik', query=query)
        self.useFixture(fixtures.MockPatch(
            'rintik.db.engine.get_engine',
            return_value=sa.create_engine(url)))

    def test_healthy(self):
        response = self._get()
        self.assertEqual(200, response.status_int)
        self.assertEqual('application/json', response.content_type)
        self.assertEqual(HEALTHY, response.json)

    def test_database_down_is_503_without_detail(self):
        self._database_at(_closed_port())
        response = self._get()
        self.assertEqual(503, response.status_int)
        self.assertEqual('application/json', response.content_type)
        self.assertEqual(DATABASE_DOWN, response.json)
        text = self._get('text/plain')
        self.assertEqual((503, 'text/plain', b'DATABASE UNAVAILABLE\nOK'),
                         (text.status_int, text.content_type, text.body))

    def test_database_down_as_html_is_text(self):
        self._database_at(_closed_port())
        response = self._get('text/html')
        self.assertEqual((503, 'text/plain', b'DATABASE UNAVAILABLE\nOK'),
                         (response.status_int, response.content_type,
                          response.body))

    def test_hung_database_answers_within_the_timeout(self):
        self.config(group='healthcheck', database_timeout=0.3)
        server = self.useFixture(_SilentServer())
        self._database_at(server.port, connect_timeout='30')
        started = time.monotonic()
        response = self._get()
        elapsed = time.monotonic() - started
        self.assertEqual((503, DATABASE_DOWN),
                         (response.status_int, response.json))
        self.assertLess(elapsed, 2)
        # Checks while the probe hangs wait for the same probe.
        for _ in range(3):
            self.assertEqual(503, self._get().status_int)
        probes = [thread for thread in threading.enumerate()
                  if thread.name == 'rintik-healthcheck-database']
        self.assertEqual(1, len(probes))

    def test_database_back_is_healthy_again(self):
        self._database_at(_closed_port())
        self.assertEqual(503, self._get().status_int)
        self.useFixture(fixtures.MockPatch(
            'rintik.db.engine.get_engine',
            return_value=sa.create_engine('sqlite://')))
        self.assertEqual(200, self._get().status_int)

    def test_disabled_by_file(self):
        with open(self.environment.disable_file, 'w'):
            pass
        response = self._get()
        self.assertEqual(503, response.status_int)
        self.assertEqual({'reasons': ['OK', 'DISABLED BY FILE'],
                          'detailed': False}, response.json)
        os.unlink(self.environment.disable_file)
        self.assertEqual(200, self._get().status_int)

    def test_default_drain_file_is_in_the_state_path(self):
        self.config(state_path='/srv/rintik-state')
        self.conf.clear_override('disable_by_file_path', group='healthcheck')
        self.assertEqual('/srv/rintik-state/healthcheck_disable',
                         self.conf.healthcheck.disable_by_file_path)
        self.assertEqual(['rintik_database', 'disable_by_file'],
                         self.conf.healthcheck.backends)

    def test_backend_is_an_entry_point(self):
        from stevedore import driver
        manager = driver.DriverManager(
            'oslo.middleware.healthcheck', 'rintik_database')
        self.assertIs(healthcheck.DatabaseHealthcheck, manager.driver)
