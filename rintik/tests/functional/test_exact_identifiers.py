"""Identifiers compare byte for byte on MariaDB (utf8mb4 connection, as
rintik.db.engine configures it), and migration 0004 converts an existing
database; a slice of the contract fuzz runs there too.
"""

import datetime
import decimal
import os

import hypothesis
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import test_fixtures
import sqlalchemy as sa

from rintik.api import app
from rintik import context as rintik_context
from rintik.db import engine as db_engine
from rintik.db import migration
from rintik.db import models
from rintik.db import ratecard
from rintik.db import types
from rintik.metering import facts
from rintik.metering import ingest
from rintik.rating import prices
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.api import contract
from rintik.tests.unit.api import fixtures as api_fixtures
from rintik.tests.unit.api import test_contract_fuzz

CI = bool(os.environ.get('CI'))
UTC = datetime.timezone.utc
D = decimal.Decimal
# Pairs a case-, accent- or pad-insensitive collation takes as equal.
LOOKALIKES = (('CASE-1', 'case-1'), ('accent-\u00e9', 'accent-e'),
              ('pad-1', 'pad-1 '), ('emoji-\U0001F600', 'emoji-\U0001F601'))
IDENTIFIER_COLUMNS = sorted(
    (table.name, column.name) for table in models.Base.metadata.sorted_tables
    for column in table.columns if isinstance(column.type, types.Identifier))


def at(day, hour=0):
    return datetime.datetime(2026, 3, day, hour, tzinfo=UTC)


def insert_projects(engine, *project_ids):
    """Insert projects in a transaction of their own."""
    with engine.begin() as connection:
        connection.execute(sa.insert(models.Project), [
            {'project_id': project_id, 'known_since': at(1)}
            for project_id in project_ids])


class _MariaDBTestCase(test_fixtures.OpportunisticDBTestMixin,
                       base.TestCase):
    """A fresh database on the openstack_citest MariaDB, reached through
    the URL rintik.db.engine.configure would use (charset=utf8mb4)."""

    FIXTURE = rintik_fixtures.MySQLDatabase
    SKIP_ON_UNAVAILABLE_DB = not CI

    def setUp(self):
        super().setUp()
        url = self._db_default.engine.url.render_as_string(
            hide_password=False)
        self.assertNotIn('charset', url)
        facade = enginefacade.transaction_context()
        facade.configure(connection=db_engine.utf8mb4_url('connection',
                                                          url))
        self.useFixture(test_fixtures.ReplaceEngineFacadeFixture(
            db_engine.main_context_manager, facade))
        self.engine = db_engine.get_engine()
        self.addCleanup(self.engine.dispose)
        self.context = rintik_context.get_admin_context()


class ExactIdentifiersTest(_MariaDBTestCase):

    def test_the_connection_is_utf8mb4(self):
        with self.engine.connect() as connection:
            self.assertEqual('utf8mb4', connection.scalar(sa.text(
                'SELECT @@character_set_connection')))

    def test_every_identifier_column_is_binary_no_pad(self):
        with self.engine.connect() as connection:
            found = connection.execute(sa.text(
                'SELECT table_name, column_name, collation_name FROM '
                'information_schema.columns WHERE table_schema = '
                'DATABASE() AND collation_name = :collation'), {
                    'collation': 'utf8mb4_nopad_bin'}).all()
        self.assertEqual(IDENTIFIER_COLUMNS,
                         sorted((table, column) for table, column, _c in
                                found))
        # 19, and unpaid_actions.resource_id (migration 0008).
        self.assertEqual(20, len(IDENTIFIER_COLUMNS))

    def test_lookalike_resources_are_distinct(self):
        records = []
        for index, pair in enumerate(LOOKALIKES):
            for which, resource_id in enumerate(pair):
                records.append((
                    'msg-%d-%d' % (index, which), 'compute.instance.exists',
                    at(1 + which, index), [facts.Observation(
                        'instance', resource_id, resource_id, billable=True,
                        price_key=resource_id, quantity=D(1))]))
        self.assertEqual(len(records), ingest.store(
            self.context, records, []))
        with self.engine.connect() as connection:
            intervals = models.UsageIntervalRow
            rows = connection.execute(sa.select(
                models.Resource.resource_id, intervals.project_id,
                intervals.price_key, intervals.start).join(
                intervals, intervals.resource_pk ==
                models.Resource.id)).all()
            projects = connection.execute(sa.select(
                models.Project.project_id)).scalars().all()
        expected = sorted((resource_id, resource_id, resource_id,
                           at(1 + which, index))
                          for index, pair in enumerate(LOOKALIKES)
                          for which, resource_id in enumerate(pair))
        self.assertEqual(expected, sorted(tuple(row) for row in rows))
        self.assertEqual(sorted(r for pair in LOOKALIKES for r in pair),
                         sorted(projects))

    def test_lookalike_price_keys_are_distinct(self):
        ids = {}
        for index, pair in enumerate(LOOKALIKES):
            for which, key in enumerate(pair):
                ids[key] = prices.set_price(
                    self.context, 'flavor', key,
                    D('%d.%d' % (index + 1, which)), None, None, at(1))
        self.assertEqual(8, len(set(ids.values())))
        for index, pair in enumerate(LOOKALIKES):
            for which, key in enumerate(pair):
                row = ratecard.find_key(self.context, 'flavor', key)
                self.assertEqual((ids[key], key), (row.id, row.key))
                _key, version = prices.get_price(self.context, 'flavor',
                                                 row.id, at(2))
                self.assertEqual(D('%d.%d' % (index + 1, which)),
                                 version.hourly)

    def test_the_same_identifier_twice_is_still_a_duplicate(self):
        insert_projects(self.engine, 'pad-1')
        self.assertRaises(db_exc.DBDuplicateEntry, insert_projects,
                          self.engine, 'pad-1')
        insert_projects(self.engine, 'pad-1 ')


class MigrationTest(_MariaDBTestCase):
    """0004 on a database at 0003 that holds data."""

    def _recreate_at_0003(self):
        with self.engine.begin() as connection:
            for table in reversed(models.Base.metadata.sorted_tables):
                connection.execute(sa.text('DROP TABLE `%s`' % table.name))
            connection.execute(sa.text('DROP TABLE alembic_version'))
        migration.upgrade('0003', engine=self.engine)

    def test_upgrade_keeps_data_and_unique_keys(self):
        self._recreate_at_0003()
        insert_projects(self.engine, 'CASE-1', 'accent-\u00e9')
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO resources (resource_type, resource_id, "
                "project_id) VALUES ('instance', 'pad-1', 'CASE-1')"))
        # Before 0004 the collation folds case.
        self.assertRaises(db_exc.DBDuplicateEntry, insert_projects,
                          self.engine, 'case-1')
        migration.upgrade('0004', engine=self.engine)
        self.assertEqual('0004', migration.version(self.engine))
        insert_projects(self.engine, 'case-1', 'accent-e')
        self.assertRaises(db_exc.DBDuplicateEntry, insert_projects,
                          self.engine, 'case-1')
        with self.engine.begin() as connection:
            self.assertEqual(
                ['CASE-1', 'accent-e', 'accent-\u00e9', 'case-1'],
                sorted(connection.execute(sa.text(
                    'SELECT project_id FROM projects')).scalars()))
            connection.execute(sa.text(
                "INSERT INTO resources (resource_type, resource_id) "
                "VALUES ('instance', 'pad-1 ')"))
            indexes = connection.execute(sa.text(
                "SELECT index_name FROM information_schema.statistics "
                "WHERE table_schema = DATABASE() AND non_unique = 0 AND "
                "index_name <> 'PRIMARY'")).scalars().all()
        for index in ('uniq_projects0project_id', 'uniq_resources0type0id',
                      'uniq_observations0message0resource',
                      'uniq_price_keys0kind0key',
                      'uniq_quarantine0message_id',
                      'uniq_balances0project_id',
                      'uniq_invoices0project0period'):
            self.assertIn(index, indexes)


class ContractFuzzOnMariaDBTest(_MariaDBTestCase):
    """A slice of the contract fuzz: the endpoints that take tenant ids,
    prices and dates, with fewer examples."""

    ENDPOINTS = (
        ('GET', '/api/balance/{T}/retrieve_by_project/'),
        ('GET', '/api/project_overview/{T}/get_tenant/'),
        ('GET', '/api/invoice/'),
        ('POST', '/api/price/{kind}/'),
        ('POST', '/api/balance/{T}/top_up_by_project/'),
        ('POST', '/api/invoice/enable_billing/'),
    )

    def setUp(self):
        super().setUp()
        self.config(group='api', auth_strategy='noauth')
        self.useFixture(api_fixtures.BillingData())
        self.application = app.setup_app(self.conf)

    def test_slice(self):
        for endpoint in self.ENDPOINTS:
            @test_contract_fuzz.fuzz_settings(15)
            @hypothesis.given(request=contract.requests(endpoint))
            def check(request):
                contract.check_any_request(self, self.application,
                                           endpoint, request)

            check()

    def test_emoji_tenant_ids(self):
        for path in ('/api/balance/%F0%9F%98%80/retrieve_by_project/',
                     '/api/invoice/?tenant_id=%F0%9F%98%80',
                     '/api/notification/?tenant_id=%F0%9F%98%80'):
            response = contract.check_any_request(
                self, self.application, ('GET', path),
                ('GET', path, b'', {'Accept': 'application/json'}))
            self.assertIn(response.status_int, (200, 404), path)
