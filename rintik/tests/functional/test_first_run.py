"""The first run (README's first command) reaches an invoice, and running
it again changes nothing.

tools/run-local.sh runs as a newcomer runs it, in a scratch directory,
with this test's virtualenv (no reinstall), its own API port and its own
RabbitMQ virtual host, in ``--once`` mode. The expected invoices are
computed by hand from tools/example/month.jsonl and the example prices:

example-demo, January 2025 (USD, no tax):
  web-1    m1.small 2 Jan 09:00 -> 1 Feb: 711 h x 0.02 = 14.22,
           capped at the monthly 10.00                          10.00
  fip      2 Jan 09:00 -> 1 Feb: 711 h x 0.004 = 2.844           2.84
  data-1   20 GB 5 Jan -> 20 Jan: 360 h x 20 x 0.0002            1.44
  batch-1  m1.large 10 Jan 08:00 -> 12 Jan 20:00: 60 h x 0.08    4.80
  data-1   50 GB 20 Jan -> 1 Feb: 288 h x 50 x 0.0002            2.88
                                                         total  21.96
example-staging, January 2025:
  test-1   m1.small 15 Jan 12:00 -> 20 Jan 12:00: 120 h x 0.02   2.40
  router-1 15 Jan 12:00 -> 1 Feb: 396 h x 0.01                   3.96
  snap-1   10 GB 18 Jan -> 25 Jan: 168 h x 10 x 0.0001 = 0.168   0.17
                                                         total   6.53
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import fixtures
import sqlalchemy as sa
from testtools import content

import rintik
from rintik.tests import base
from rintik.tests.functional import process

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    rintik.__file__))), 'tools', 'run-local.sh')
JANUARY = '2025-01-01T00:00:00Z'
INVOICE_ROW = re.compile(r'^(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(\S*)$')
TOTALS = re.compile(r'^subtotal (\S+) tax (\S+) total (\S+)$')

EXPECTED_INVOICES = {
    'example-demo': ('unpaid', '21.96'),
    'example-staging': ('unpaid', '6.53'),
}
EXPECTED_TOTALS = [('21.96', '0.00', '21.96'), ('6.53', '0.00', '6.53')]
EXPECTED_CHARGES = sorted([
    '10.00', '2.84', '1.44', '4.80', '2.88',  # example-demo
    '2.40', '3.96', '0.17',                   # example-staging
])
TABLES = ('resources', 'observations', 'usage_intervals', 'invoices',
          'invoice_segments', 'price_keys', 'price_versions',
          'billing_windows', 'projects')


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class FirstRunTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.state = os.path.join(self.directory, 'state')
        self.port = _free_port()
        self.vhost = 'rintik-test-%s' % uuid.uuid4().hex[:8]
        self.runs = 0
        if shutil.which('rabbitmqctl'):
            self.addCleanup(subprocess.run, ['rabbitmqctl', '-q',
                                             'delete_vhost', self.vhost],
                            capture_output=True)

    def run_local(self):
        result = subprocess.run(
            [SCRIPT, '--once'], cwd=self.directory, capture_output=True,
            text=True, timeout=600, env=dict(
                os.environ, RINTIK_VENV=sys.prefix,
                RINTIK_LOCAL_DIR=self.state,
                RINTIK_API_PORT=str(self.port),
                RINTIK_LOCAL_VHOST=self.vhost))
        self.runs += 1
        self.addDetail('run-local.sh (run %d)' % self.runs,
                       content.text_content(result.stdout + result.stderr))
        self.assertEqual(0, result.returncode, result.stderr[-4000:])
        return result.stdout

    def invoices(self, output):
        """{project: (state, total)} of January's ``invoice list`` rows,
        the totals lines and the charges of the ``invoice show`` tables."""
        listed, totals, charges = {}, [], []
        for line in output.splitlines():
            row = INVOICE_ROW.match(line)
            if row and row.group(3) == JANUARY:
                listed[row.group(2)] = (row.group(4), row.group(5))
            match = TOTALS.match(line)
            if match:
                totals.append(match.groups())
            if line.startswith(('instance ', 'volume ', 'floating_ip ',
                                'router ', 'snapshot ')):
                charges.append(line.split()[4])
        return listed, sorted(totals), sorted(charges)

    def counts(self):
        engine = sa.create_engine('sqlite:///' + os.path.join(
            self.state, 'rintik.sqlite'))
        try:
            with engine.connect() as connection:
                counts = {table: connection.execute(sa.text(
                    'SELECT count(*) FROM %s' % table)).scalar()
                    for table in TABLES}
                sources = dict(connection.execute(sa.text(
                    'SELECT source, count(*) FROM observations '
                    'GROUP BY source')).all())
        finally:
            engine.dispose()
        return counts, sources

    def assertStopped(self):
        url = 'http://127.0.0.1:%d/' % self.port
        try:
            urllib.request.urlopen(url, timeout=2)
        except urllib.error.HTTPError:
            self.fail('rintik-api still answers on %s' % url)
        except OSError:
            return

    def test_first_run_reaches_the_invoices_and_a_second_changes_nothing(
            self):
        first = self.run_local()
        self.assertEqual(
            (EXPECTED_INVOICES, EXPECTED_TOTALS, EXPECTED_CHARGES),
            self.invoices(first))
        self.assertIn('Sent the example month (14 notifications) through '
                      'RabbitMQ, on vhost %s\n' % self.vhost, first)
        self.assertIn('Billing enabled since 2025-01-01T00:00:00Z\n'
                      'Price 1 set\n', first)
        self.assertIn('Price 6 set\nIssued 2 invoices, opened 4, 0 '
                      'unpriced segments\n', first)
        self.assertIn('Rintik API (noauth, development only): '
                      'http://127.0.0.1:%d/\n' % self.port, first)
        self.assertStopped()
        counts, sources = self.counts()
        # 12 observations (the 2 project events have none), delivered by
        # the bus (the replay after it stores only what it had not).
        self.assertEqual(12, sum(sources.values()))
        self.assertGreater(sources.get('notification', 0), 0, sources)
        # Tables name the states; JSON keeps the API's codes.
        self.assertEqual(
            [(1, None), (1, None), (2, '6.53'), (2, '21.96')],
            [(row['state'], row['total']) for row in process.manage(
                os.path.join(self.state, 'rintik.conf'), 'invoice',
                'list')])

        second = self.run_local()
        self.assertEqual(self.invoices(first), self.invoices(second))
        self.assertIn('Replayed 14 notifications: 0 new observations, usage '
                      'changed for 0 resources; 14 already stored or without '
                      'usage, 0 ignored, 0 quarantined\n', second)
        self.assertEqual(1, second.count(
            'Issued 0 invoices, opened 0, 0 unpriced segments\n'))
        self.assertNotIn('Price ', second)
        self.assertNotIn('Billing enabled', second)
        self.assertEqual((counts, sources), self.counts())
        self.assertStopped()
