"""Test fixtures: databases built by Rintik's migrations, the recorded
OpenStack notifications, configuration."""

import json
import os

import fixtures
from oslo_db.sqlalchemy import test_fixtures

from rintik.db import engine as db_engine
from rintik.db import migration

FIXTURES_ENV = 'RINTIK_NOTIFICATION_FIXTURES'


class _RintikSchema(test_fixtures.GeneratesSchemaFromMigrations):
    """Builds the schema with Rintik's alembic migrations and plugs the
    test engine into Rintik's enginefacade."""

    def generate_schema_migrations(self, engine):
        migration.upgrade('head', engine=engine)

    def get_per_test_enginefacade(self):
        return db_engine.main_context_manager


class SQLiteDatabase(_RintikSchema, test_fixtures.AdHocDbFixture):
    """A fresh in-memory SQLite database per test."""

    def __init__(self):
        super().__init__(url='sqlite://')


class MySQLDatabase(_RintikSchema, test_fixtures.MySQLOpportunisticFixture):
    """A fresh MariaDB/MySQL database on the openstack_citest server."""


class PostgreSQLDatabase(_RintikSchema,
                         test_fixtures.PostgresqlOpportunisticFixture):
    """A fresh PostgreSQL database on the openstack_citest server."""


# testscenarios of an OpportunisticDBTestMixin test that runs on both
# database servers.
SERVER_SCENARIOS = [
    ('mariadb', {'FIXTURE': MySQLDatabase}),
    ('postgresql', {'FIXTURE': PostgreSQLDatabase}),
]


def notification_fixtures_dir():
    """Where the recorded notifications are (``$RINTIK_NOTIFICATION_
    FIXTURES``, else ``../shared/fixtures/notifications`` beside the
    checkout). Missing fixtures fail the test: they are never skipped."""
    path = os.environ.get(FIXTURES_ENV)
    if not path:
        top = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        path = os.path.join(os.path.dirname(top), 'shared', 'fixtures',
                            'notifications')
    if not os.path.isdir(path):
        raise AssertionError(
            'Notification fixtures not found at %s: set %s' % (path,
                                                              FIXTURES_ENV))
    return path


def load_notification(relative_path):
    """One recorded notification (or sequence) by its path in the fixture
    directory."""
    with open(os.path.join(notification_fixtures_dir(), relative_path),
              encoding='utf-8') as stream:
        return json.load(stream)


class ConfFixture(fixtures.Fixture):
    """Rintik's configuration with test defaults, reset after the test."""

    def __init__(self, conf):
        super().__init__()
        self.conf = conf

    def _setUp(self):
        from oslo_config import fixture as config_fixture
        self.config = self.useFixture(config_fixture.Config(self.conf))
        self.conf([], project='rintik', default_config_files=[])
        # Jobs' coordination locks: files of this test's own.
        self.config.config(group='coordination', backend_url='file://' +
                           self.useFixture(fixtures.TempDir()).path)
        # /metrics reads its figures at every scrape: the kept ones belong
        # to the process, not to one test's database (tests of the cache
        # set it).
        self.config.config(group='api', metrics_cache_seconds=0)
