"""Base classes of Rintik's tests."""

from oslotest import base

from rintik import conf
from rintik import context
from rintik.tests import fixtures as rintik_fixtures

CONF = conf.CONF


class TestCase(base.BaseTestCase):
    """A test with Rintik's configuration, reset afterwards."""

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(rintik_fixtures.ConfFixture(CONF))
        self.conf = CONF

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
