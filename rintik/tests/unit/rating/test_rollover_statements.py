"""The rollover is set-based: the statements one chunk of projects sends
do not grow with the number of projects in it (no per-project or
per-invoice query), adjustments, auto-deduction and credits included."""

import collections

import fixtures
import sqlalchemy as sa

from rintik.db import balances
from rintik.rating import rollover
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import D
from rintik.tests.unit.rating.helpers import RatingTestCase


def statement_kind(statement):
    """``SELECT invoices``, ``INSERT INTO invoice_segments``, ``UPDATE
    balances``... of a statement: its verb and first table."""
    words = statement.replace('(', ' ').split()
    upper = [word.upper() for word in words]
    if upper[0] == 'SELECT':
        return 'SELECT ' + words[upper.index('FROM') + 1]
    if upper[0] in ('INSERT', 'DELETE'):
        return ' '.join(words[:3])
    return ' '.join(words[:2])


class StatementsPerChunkTest(RatingTestCase):
    """A rollover of 2 projects and one of 7 (each in a fresh database,
    all projects in one chunk) send the same statements, kind by kind."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MockPatchObject(rollover, 'CHUNK', 100))

    def build(self, projects):
        """January issued and paid from the balances of ``projects``
        projects; then, learnt in February, each one's instance i ended
        on 25 Jan (a credit) and an instance k ran on 20 Jan (a charge),
        and the same again for February learnt in March."""
        self.useFixture(rintik_fixtures.SQLiteDatabase())
        self.setting('invoice_tax', 11)
        self.setting('invoice_auto_deduct_balance', True)
        self.price('1.00')
        self.price('0.50', key='m2')
        self.enable(at(1))
        for number in range(projects):
            project = 'p%d' % number
            balances.record(self.context, project, balances.TOP_UP,
                            D('10000'), 'top-up', at(1))
            self.live('i%d' % number, at(1, 10), project=project)
            self.live('j%d' % number, at(1, 5), at(1, 20), project=project,
                      price_key='m2')
        self.rollover(cron(2))
        for number in range(projects):
            project = 'p%d' % number
            self.observe(at(1, 25), 'i%d' % number, gone=True,
                         project=project)
            self.live('k%d' % number, at(1, 20), at(1, 21), project=project)
            self.live('l%d' % number, at(2, 20), at(2, 21), project=project)

    def statements(self, projects, now):
        """(issued invoices, {kind: count}) of a rollover at ``now``."""
        self.build(projects)
        counts = collections.Counter()

        def count(conn, cursor, statement, parameters, context,
                  executemany):
            counts[statement_kind(statement)] += 1

        sa.event.listen(sa.engine.Engine, 'before_cursor_execute', count)
        try:
            summary = rollover.run(self.context, self.conf, now)
        finally:
            sa.event.remove(sa.engine.Engine, 'before_cursor_execute', count)
        return summary.issued, dict(counts)

    def assert_flat(self, now, issued_per_project):
        few = self.statements(2, now)
        many = self.statements(7, now)
        self.assertEqual((2 * issued_per_project, 7 * issued_per_project),
                         (few[0], many[0]))
        self.assertEqual(few[1], many[1])
        return many[1]

    def test_closing_a_month_with_adjustments(self):
        counts = self.assert_flat(cron(3), 1)
        # One read of the usage to rate and one of the changed resources'
        # usage; one of what the issued periods billed for them.
        self.assertEqual(1, counts['SELECT invoice_segments'])
        self.assertEqual(1, counts['INSERT INTO invoice_segments'])
        self.assertEqual(1, counts['INSERT INTO balance_transactions'])

    def test_catching_up_three_months_with_adjustments(self):
        # February, March and April closed in one run: adjustments of
        # January and of February, each placed where it was recorded.
        counts = self.assert_flat(at(5, 1, 0, 7), 3)
        self.assertEqual(1, counts['SELECT invoice_segments'])
        self.assertEqual(1, counts['INSERT INTO invoice_segments'])
