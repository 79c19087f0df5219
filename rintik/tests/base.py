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
    """A test with a fresh in-memory SQLite database built by migrations."""

    def setUp(self):
        super().setUp()
        self.useFixture(rintik_fixtures.SQLiteDatabase())
        self.context = context.get_admin_context()
