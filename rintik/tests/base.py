"""Base classes of Rintik's tests."""

import logging
import os

import fixtures
from oslotest import base
from oslotest import log as oslotest_log

from rintik import conf
from rintik import context
from rintik.tests import fixtures as rintik_fixtures

CONF = conf.CONF

LOG_LEVEL_ENV = 'RINTIK_TEST_LOG_LEVEL'


class CapturedLogs(fixtures.FakeLogger):
    """A test's logs captured at WARNING (``$RINTIK_TEST_LOG_LEVEL`` for
    another level): a failing test shows them in its details, a passing
    one prints nothing."""

    def __init__(self):
        level = os.environ.get(LOG_LEVEL_ENV, 'WARNING').upper()
        super().__init__(format=oslotest_log.ConfigureLogging.DEFAULT_FORMAT,
                         level=logging.getLevelName(level),
                         nuke_handlers=True)


class TestCase(base.BaseTestCase):
    """A test with Rintik's configuration, reset afterwards."""

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(rintik_fixtures.ConfFixture(CONF))
        self.conf = CONF

    def _fake_logs(self):
        """Logs as ``CapturedLogs`` says; ``$OS_DEBUG`` keeps oslotest's
        own behaviour (that level, printed unless ``$OS_LOG_CAPTURE``)."""
        if os.environ.get('OS_DEBUG'):
            return super()._fake_logs()
        self.log_fixture = self.useFixture(CapturedLogs())

    def config(self, **kwargs):
        """Override options for this test: ``group`` names the group."""
        self.conf_fixture.config.config(**kwargs)


class DbTestCase(TestCase):
    """A test with a fresh database built by migrations: in-memory SQLite
    unless DATABASE names another fixture (None: the test brings its
    own, as oslo.db's opportunistic tests do)."""

    DATABASE = rintik_fixtures.SQLiteDatabase

    def setUp(self):
        super().setUp()
        if self.DATABASE is not None:
            self.useFixture(self.DATABASE())
        self.context = context.get_admin_context()
