"""rintik-status's database check on a real MariaDB: never migrated,
behind head, at head."""

import os

from oslo_db.sqlalchemy import test_fixtures
from oslo_upgradecheck import upgradecheck

from rintik.cmd import status
from rintik.db import engine as db_engine
from rintik.db import migration
from rintik.tests import base

[HEAD] = status.head_revisions()

CI = bool(os.environ.get('CI'))
Code = upgradecheck.Code


class EmptyMySQL(test_fixtures.MySQLOpportunisticFixture):
    """A fresh database on the openstack_citest MariaDB, without schema."""

    def get_per_test_enginefacade(self):
        return db_engine.main_context_manager


class DatabaseAtHeadMariaDBTest(test_fixtures.OpportunisticDBTestMixin,
                                base.TestCase):

    FIXTURE = EmptyMySQL
    # In CI a missing service fails the test; elsewhere it skips.
    SKIP_ON_UNAVAILABLE_DB = not CI

    def setUp(self):
        super().setUp()
        self.checks = status.UpgradeChecks(self.conf)

    def at_head(self):
        outcome = self.checks._database_at_head()
        return outcome.code, outcome.details

    def test_never_migrated_then_behind_then_at_head(self):
        self.assertEqual(
            (Code.FAILURE, 'The database is at revision none (never '
                           'migrated), not at %s: run "rintik-manage db '
                           'sync".' % HEAD), self.at_head())
        migration.upgrade('0002')
        self.assertEqual(
            (Code.FAILURE, 'The database is at revision 0002, not at %s: '
                           'run "rintik-manage db sync".' % HEAD),
            self.at_head())
        migration.upgrade('head')
        self.assertEqual((Code.SUCCESS, None), self.at_head())
