"""A quarter billed end to end through ``rintik-manage`` processes, on
SQLite, MariaDB and PostgreSQL.

Notifications of four projects (quarter.py) are replayed shuffled and
with duplicates; prices and the tax are set and billing enabled from
1 January 2026; invoice-rollover runs after each boundary (twice on
1 March), a late VM of February is replayed after February was issued,
and April's boundary is missed: the run on 1 May catches up. Every
invoice, line by line, must be what quarter.INVOICES computes by hand.
"""

from concurrent import futures
import json
import os
import subprocess

import fixtures
from oslo_db.sqlalchemy import test_fixtures
import testscenarios

from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.functional import process
from rintik.tests.functional import quarter

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))
IN_PROGRESS = 1
ARRAYS = {'instances': 'instance_id', 'volumes': 'volume_id',
          'floating_ips': 'fip_id', 'routers': 'router_id',
          'snapshots': 'snapshot_id', 'images': 'image_id'}


class InvoicingTest(test_fixtures.OpportunisticDBTestMixin, base.TestCase):
    """Each scenario gets a database of its own: an SQLite file, or a
    fresh database on the openstack_citest MariaDB / PostgreSQL."""

    scenarios = [('sqlite', {'FIXTURE': None})] + \
        rintik_fixtures.SERVER_SCENARIOS
    # In CI a missing service fails the test; elsewhere it skips.
    SKIP_ON_UNAVAILABLE_DB = not CI

    def generate_fixtures(self):
        # SQLite needs no server: a file that ``db sync`` migrates.
        if self.FIXTURE is None:
            return []
        return super().generate_fixtures()

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        if self.FIXTURE is None:
            url = 'sqlite:///' + os.path.join(self.directory, 'rintik.db')
        else:
            url = self._db_default.engine.url.render_as_string(
                hide_password=False)
        self.config_file = os.path.join(self.directory, 'rintik.conf')
        self.log_file = os.path.join(self.directory, 'rintik-manage.log')
        process.write_config(self.config_file, {
            'DEFAULT': {'log_file': self.log_file},
            'database': {'connection': url},
            'billing': {'currency': 'USD', 'timezone': 'UTC',
                        'charge_unit': 'second',
                        'monthly_price_mode': 'cap', 'close_delay': 0},
        })
        self.addOnException(self._attach_log)
        self.manage('db', 'sync')

    def _attach_log(self, exc_info):
        from testtools import content
        if os.path.exists(self.log_file):
            with open(self.log_file, encoding='utf-8') as stream:
                self.addDetail('rintik-manage.log', content.text_content(
                    stream.read()[-20000:]))

    # rintik-manage ------------------------------------------------------

    def manage(self, *args):
        """Run ``rintik-manage``; its stdout (a failure fails the test)."""
        result = subprocess.run(
            [os.path.join(process.BIN, 'rintik-manage'), '--config-file',
             self.config_file] + list(args),
            capture_output=True, text=True, timeout=300)
        if result.returncode:
            raise AssertionError('rintik-manage %s failed (%d): %s' % (
                ' '.join(args), result.returncode, result.stderr[-4000:]))
        return result.stdout.strip()

    def manage_json(self, *args):
        return json.loads(self.manage(*(args + ('--format', 'json'))))

    def replay(self, name, envelopes):
        """Replay the envelopes as a bus delivers them (shuffled, some
        twice)."""
        path = os.path.join(self.directory, name)
        with open(path, 'w', encoding='utf-8') as stream:
            json.dump(quarter.delivered(envelopes), stream)
        return self.manage('replay', path)

    def rollover(self, now):
        return self.manage('invoice-rollover', '--now', now)

    def listed(self):
        """{(project, 'MM'): ``invoice list`` row} of 2026's invoices."""
        listed = {}
        for row in self.manage_json('invoice', 'list'):
            self.assertEqual('2026', row['period_start'][:4])
            key = (row['project_id'], row['period_start'][5:7])
            self.assertNotIn(key, listed)
            listed[key] = row
        return listed

    def show(self, *ids):
        """{id: full invoice} (``invoice show ID --format json``)."""
        with futures.ThreadPoolExecutor(4) as pool:
            bodies = pool.map(lambda invoice_id: self.manage_json(
                'invoice', 'show', str(invoice_id)), ids)
            return dict(zip(ids, bodies))

    def open_periods(self, listed):
        return sorted(key for key, row in listed.items()
                      if row['state'] == IN_PROGRESS)

    def summary(self, body, names):
        """A full invoice as quarter.INVOICES spells it."""
        lines = []
        for array, id_field in ARRAYS.items():
            for segment in body[array]:
                self.assertEqual(body['id'], segment['invoice'])
                adjusted = None
                if segment['adjustment']:
                    adjusted = names[segment['adjusted_invoice']]
                lines.append((array, segment[id_field],
                              segment['start_date'], segment['end_date'],
                              segment['price_charged'], adjusted))
        return (body['state'], body['subtotal'], body['tax'],
                body['total'], sorted(lines, key=str))

    def assertIssued(self, listed, closed, new):
        """The closed invoices are those of quarter.INVOICES in the
        ``closed`` periods; the ones of the ``new`` periods are shown and
        must be exactly as computed, line by line."""
        self.assertEqual(
            sorted(key for key in quarter.INVOICES if key[1] in closed),
            sorted(key for key, row in listed.items()
                   if row['state'] != IN_PROGRESS))
        names = {row['id']: key for key, row in listed.items()}
        keys = sorted(key for key in quarter.INVOICES if key[1] in new)
        bodies = self.show(*[listed[key]['id'] for key in keys])
        for key in keys:
            body = bodies[listed[key]['id']]
            expected = quarter.INVOICES[key]
            self.assertEqual(expected[:4] + (sorted(expected[4], key=str),),
                             self.summary(body, names), key)
            self.assertEqual(
                (quarter.t(key[1] + '-01'),
                 quarter.t('%02d-01' % (int(key[1]) + 1))),
                (body['start_date'], body['end_date']))
            self.assertEqual(body['total'], listed[key]['total'])
        return bodies

    def test_quarter(self):
        P = quarter
        self.assertEqual('Billing enabled since 2026-01-01T00:00:00Z',
                         self.manage('billing', 'enable', '--start-date',
                                     '2026-01-01'))
        self.replay('quarter.json', P.QUARTER)
        for args in P.PRICES:
            self.manage('price', 'set', *args)
        self.manage('setting', 'set', 'invoice_tax', P.TAX)

        # 1 Feb: January issued for all four projects; February opened
        # for the three that are not retired.
        self.assertEqual('Issued 4 invoices, opened 7, 0 unpriced segments',
                         self.rollover('2026-02-01T00:07:00'))
        listed = self.listed()
        self.assertIssued(listed, ['01'], ['01'])
        self.assertEqual([(P.PA, '02'), (P.PB, '02'), (P.PC, '02')],
                         self.open_periods(listed))

        # 1 Mar, twice: the second run changes nothing.
        self.assertEqual('Issued 3 invoices, opened 3, 0 unpriced segments',
                         self.rollover('2026-03-01T00:07:00'))
        listed = self.listed()
        february = self.assertIssued(listed, ['01', '02'], ['02'])
        self.assertEqual('Issued 0 invoices, opened 0, 0 unpriced segments',
                         self.rollover('2026-03-01T00:07:00'))
        self.assertEqual(listed, self.listed())

        # February's batch VM is heard of late. The issued February
        # invoice does not change; alpha's open March invoice shows the
        # adjustment (March's usage is complete, so its subtotal is
        # final; tax and total are not known yet).
        self.replay('late.json', P.LATE)
        pa_feb, pa_mar = listed[(P.PA, '02')]['id'], listed[(P.PA, '03')]['id']
        bodies = self.show(pa_feb, pa_mar)
        self.assertEqual(february[pa_feb], bodies[pa_feb])
        march = bodies[pa_mar]
        self.assertEqual((IN_PROGRESS, '25.35', None, None, None),
                         (march['state'], march['subtotal'], march['tax'],
                          march['total'], march['end_date']))
        [adjustment] = [s for s in march['instances'] if s['adjustment']]
        self.assertEqual(('vm-a3', '0.30', pa_feb),
                         (adjustment['instance_id'],
                          adjustment['price_charged'],
                          adjustment['adjusted_invoice']))

        # 1 Apr is missed; 1 May closes March and April and opens May.
        self.assertEqual('Issued 6 invoices, opened 6, 0 unpriced segments',
                         self.rollover('2026-05-01T00:07:00'))
        caught_up = self.listed()
        self.assertIssued(caught_up, ['01', '02', '03', '04'], ['03', '04'])
        self.assertEqual([(P.PA, '05'), (P.PB, '05'), (P.PC, '05')],
                         self.open_periods(caught_up))
        for key, row in listed.items():
            if row['state'] != IN_PROGRESS:
                self.assertEqual(row, caught_up[key])
