"""Money moves exactly once on real MariaDB and PostgreSQL (PRODUCT.md
§2.2, §2.9, §3.5), with real concurrent transactions:

- concurrent ``finish`` and ``rollback_to_unpaid`` of one invoice;
- two rollovers forced to overlap (the coordination lock bypassed);
- a monitor transaction that stores a late delete and commits after a
  rollover has read the period;
- a catch-up over three months against a rollover at each boundary;
- a retired project's late usage;
- two ``billing enable`` with no window yet.
"""

from concurrent import futures
import datetime
import os
import threading

import fixtures
from oslo_db.sqlalchemy import test_fixtures
import sqlalchemy as sa
import testscenarios

from rintik import context as rintik_context
from rintik.db import balances
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import models
from rintik.db import settings as db_settings
from rintik.db import usage as db_usage
from rintik import exception
from rintik.metering import ingest
from rintik.rating import payments
from rintik.rating import prices
from rintik.rating import rollover
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import D
from rintik.tests.unit.rating.helpers import RatingTestCase

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))
UNPAID = db_invoices.UNPAID
FINISHED = db_invoices.FINISHED
TRANSACTIONS = models.BalanceTransaction.__table__
CHANGES = models.UsageChange.__table__
BURSTS = 20
EACH = 10


def concurrently(*calls):
    """Run the calls at once (released together by a barrier); returns
    each one's result or exception, in order."""
    barrier = threading.Barrier(len(calls))

    def call(function):
        barrier.wait()
        try:
            return function()
        except Exception as error:
            return error

    with futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(call, calls))


class MoneyRaceTest(test_fixtures.OpportunisticDBTestMixin, RatingTestCase):

    scenarios = rintik_fixtures.SERVER_SCENARIOS
    DATABASE = None
    # In CI a missing service fails the test; elsewhere it skips.
    SKIP_ON_UNAVAILABLE_DB = not CI

    def fresh_context(self):
        """A context of its own, as another request or process has."""
        return rintik_context.get_admin_context()

    def ledger(self, invoice_id):
        """(payments, refunds) recorded for an invoice."""
        with main_context_manager.reader.using(self.context) as session:
            rows = session.execute(sa.select(TRANSACTIONS.c.action).where(
                TRANSACTIONS.c.invoice_id == invoice_id)).scalars().all()
        return rows.count(balances.TOP_DOWN), rows.count(balances.TOP_UP)

    def ledger_sum(self, project):
        return sum((row.amount if row.action == balances.TOP_UP
                    else -row.amount)
                   for row in balances.transactions(self.context, project))

    # finish / rollback_to_unpaid ---------------------------------------

    def test_concurrent_finish_and_rollback_move_money_once(self):
        # i1 runs all January at 0.50/h: 744 h = 372.00, unpaid.
        self.price('0.50')
        self.enable(at(1))
        self.live('i1', at(1), at(2))
        self.rollover(cron(2))
        invoice = self.invoice('p1', at(1))
        self.assertEqual((UNPAID, D('372.00')), (invoice.state,
                                                 invoice.total))
        balances.record(self.context, 'p1', balances.TOP_UP, D('100000'),
                        'float', at(2, 2))

        def finish():
            payments.finish(self.fresh_context(), invoice.id, False,
                           at(2, 3), 'admin')
            return 'paid'

        def rollback():
            payments.rollback_to_unpaid(self.fresh_context(), invoice.id,
                                       False, at(2, 3), 'admin')
            return 'refunded'

        paid_answers = 0
        for burst in range(BURSTS):
            results = concurrently(*([finish] * EACH + [rollback] * EACH))
            unexpected = [r for r in results if isinstance(r, Exception) and
                          not isinstance(r, exception.Conflict)]
            self.assertEqual([], unexpected)
            paid_answers += results.count('paid')
            paid, refunds = self.ledger(invoice.id)
            state = db_invoices.get_invoice(self.context, invoice.id).state
            self.assertEqual(1 if state == FINISHED else 0,
                             paid - refunds, 'burst %d' % burst)
        self.assertEqual(paid_answers, self.ledger(invoice.id)[0])
        self.assertEqual(balances.amount(self.context, 'p1'),
                         self.ledger_sum('p1'))

    # Overlapping rollovers ----------------------------------------------

    def test_overlapping_rollovers_settle_each_invoice_once(self):
        # Auto-deduct on: each of 30 projects has 1000.00 and owes 372.00
        # (i<n> 744 h x 0.50); the lock is bypassed, both runs race.
        self.price('0.50')
        self.setting('invoice_auto_deduct_balance', True)
        self.enable(at(1))
        projects = ['p%02d' % number for number in range(30)]
        for project in projects:
            self.live('i-' + project, at(1), at(2), project=project)
            balances.record(self.context, project, balances.TOP_UP,
                            D('1000.00'), 'float', at(1))
        self.rollover(at(1, 15))

        def run():
            return rollover.Rollover(self.fresh_context(), self.conf,
                                     cron(2)).run()

        first, second = concurrently(run, run)
        self.assertEqual(30, first.issued + second.issued)
        for project in projects:
            invoice = self.invoice(project, at(1))
            self.assertEqual((FINISHED, D('372.00'), D('372.00')),
                             (invoice.state, invoice.total,
                              invoice.deducted))
            self.assertEqual((1, 0), self.ledger(invoice.id))
            self.assertEqual(D('628.00'),
                             balances.amount(self.context, project))
            self.assertEqual(1, len(self.lines(invoice)))

    # A late delete committed after the rollover read the period --------

    def test_a_late_delete_committed_after_the_rollover_read_is_credited_once(
            self):
        # i1 runs from 10 Jan at 1.00/h; January is closed at 1 Feb while
        # the monitor stores the delete of 25 Jan: it began before the
        # rollover and commits after the rollover read January's usage.
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10))
        self.rollover(at(1, 15))
        derived = threading.Event()
        usage_read = threading.Event()
        rederive = ingest._store_usage
        read_usage = db_usage.project_usage

        def rederive_and_wait(*args, **kwargs):
            result = rederive(*args, **kwargs)
            derived.set()
            self.assertTrue(usage_read.wait(60))
            return result

        def read_and_signal(*args, **kwargs):
            result = read_usage(*args, **kwargs)
            usage_read.set()
            return result

        self.useFixture(fixtures.MockPatch(
            'rintik.metering.ingest._store_usage', rederive_and_wait))
        self.useFixture(fixtures.MockPatch(
            'rintik.db.usage.project_usage', read_and_signal))

        def monitor():
            self.observe(at(1, 25), 'i1', gone=True)

        def close_january():
            self.assertTrue(derived.wait(60))
            return self.rollover(cron(2))

        with futures.ThreadPoolExecutor(2) as pool:
            stored = pool.submit(monitor)
            closed = pool.submit(close_january)
            stored.result(120)
            closed.result(120)
        # January was issued from the usage before the delete: 22 days.
        january = self.invoice('p1', at(1))
        self.assertEqual(D('528.00'), january.total)
        # The credit (25 Jan -> 1 Feb: 168 h) is on February, once.
        self.rollover(cron(3))
        february = self.invoice('p1', at(2))
        self.assertEqual(
            [('i1', at(1, 10), at(1, 25), D('-168.00'), january.id)],
            [(line.interval.resource_id, line.start, line.adjusted_end,
              line.charge, line.adjusted_invoice_id)
             for line in self.lines(february) if line.adjustment])
        self.assertEqual(D('-168.00'), february.total)
        self.rollover(cron(4))
        self.assertEqual([], [line for line in self.lines(
            self.invoice('p1', at(3))) if line.adjustment])

    # Catch-up ------------------------------------------------------------

    def record_late_changes(self, month):
        """Late usage of January learnt in ``month``: a VM ran 48 h
        (48.00), recorded on the 5th of ``month`` by the database's
        clock."""
        with main_context_manager.reader.using(self.context) as session:
            newest = session.execute(sa.select(sa.func.max(
                CHANGES.c.id))).scalar() or 0
        self.live('late-%d' % month, at(1, 10 + month), at(1, 12 + month))
        with main_context_manager.writer.using(self.context) as session:
            session.execute(CHANGES.update().where(
                CHANGES.c.id > newest).values(recorded_at=at(month, 5)))

    def quarter(self, at_each_boundary):
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 1), at(4, 20))
        self.rollover(cron(2))
        for month in (2, 3, 4):
            self.record_late_changes(month)
            if at_each_boundary:
                self.rollover(cron(month + 1))
        self.rollover(cron(5))
        by_id = {invoice.id: invoice.period_start
                 for invoice in self.invoices('p1')}
        return [(invoice.period_start, invoice.total,
                 [(line.interval.resource_id, line.charge,
                   by_id.get(line.adjusted_invoice_id))
                  for line in self.lines(invoice) if line.adjustment])
                for invoice in self.invoices('p1')
                if invoice.state != db_invoices.IN_PROGRESS]

    def test_a_catch_up_places_adjustments_as_each_boundary_would(self):
        each = self.quarter(at_each_boundary=True)
        self.forget_invoices()
        with main_context_manager.writer.using(self.context) as session:
            session.execute(CHANGES.delete())
            session.execute(models.RatingState.__table__.update().values(
                issued_until=None))
            session.execute(models.UsageIntervalRow.__table__.delete())
            session.execute(models.Observation.__table__.delete())
        caught_up = self.quarter(at_each_boundary=False)
        # Each month carries the late VM of January recorded in it: 48.00
        # each, where a rollover at each boundary put them.
        self.assertEqual([
            (at(1), D('744.00'), []),
            (at(2), D('720.00'), [('late-2', D('48.00'), at(1))]),
            (at(3), D('792.00'), [('late-3', D('48.00'), at(1))]),
            (at(4), D('504.00'), [('late-4', D('48.00'), at(1))]),
        ], each)
        self.assertEqual(each[1:], caught_up[1:])

    # A retired project ---------------------------------------------------

    def test_a_retired_projects_late_usage_is_invoiced(self):
        # p9's VM ran 5 -> 10 Jan (120 h x 1.00); p9 was deleted on
        # 12 Jan. Later we learn that its volume ran 6 -> 8 Jan (48 h x
        # 1.00): the next rollover bills it on an invoice of the period
        # after its last one (the change is recorded after the simulated
        # runs' moments, as the live view would show it).
        self.price('1.00')
        self.price('1.00', kind='volume', key='ssd')
        self.enable(at(1))
        self.live('i9', at(1, 5), at(1, 10), project='p9')
        self.retire(at(1, 12), 'p9')
        self.rollover(cron(2))
        self.rollover(cron(3))
        self.assertEqual([at(1)], [invoice.period_start
                                   for invoice in self.invoices('p9')])
        self.live('v9', at(1, 6), at(1, 8), project='p9',
                  resource_type='volume', price_key='ssd')
        self.rollover(cron(4))
        january, late = self.invoices('p9')
        self.assertEqual((D('120.00'), at(2)),
                         (january.total, late.period_start))
        self.assertEqual((UNPAID, D('48.00'),
                          [('v9', D('48.00'), january.id)]),
                         (late.state, late.total,
                          [(line.interval.resource_id, line.charge,
                            line.adjusted_invoice_id)
                           for line in self.lines(late)]))

    # The effective_from floor against a concurrent rollover ---------------

    def test_a_price_set_while_a_period_is_issued_is_in_it_or_refused(self):
        # i1 runs all January at 1.00/h; a version of 2.00 from 20 Jan is
        # added while January is being issued: either it is refused (the
        # floor is 1 Feb) or January's invoice is rated with it, never
        # accepted and missing from an issued invoice.
        key_id = self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1), at(2))
        self.rollover(at(1, 15))

        def add_version():
            prices.add_version(self.fresh_context(), 'flavor', key_id,
                               '2.00', None, at(1, 20), at(2, 1, 0, 6))
            return 'added'

        def close_january():
            return rollover.Rollover(self.fresh_context(), self.conf,
                                     cron(2)).run()

        added, _summary = concurrently(add_version, close_january)
        january = self.invoice('p1', at(1))
        if added == 'added':
            # 19 days x 24 h x 1.00 + 12 days x 24 h x 2.00
            self.assertEqual(D('1032.00'), january.total)
        else:
            self.assertIsInstance(added, exception.Invalid)
            self.assertEqual(
                'effective_from must not be before '
                '2026-02-01T00:00:00.000000Z, the end of the newest issued '
                'invoice period.', str(added))
            self.assertEqual(D('744.00'), january.total)

    # Billing windows -----------------------------------------------------

    def test_two_concurrent_enables_open_one_window(self):
        def enable():
            return db_settings.open_window(self.fresh_context(), at(1))

        results = concurrently(enable, enable)
        self.assertEqual([], [r for r in results
                              if isinstance(r, Exception)])
        self.assertEqual([(at(1), None)],
                         [(window.start, window.end) for window in
                          db_settings.windows(self.context)])


class RatingStateTest(RatingTestCase):
    """Windows never open inside an issued period (SQLite is enough)."""

    def test_a_window_is_clamped_to_the_newest_issued_period(self):
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10))
        self.rollover(cron(3))
        db_settings.close_window(self.context, at(3, 5))
        window = db_settings.open_window(self.context, at(1, 20))
        self.assertEqual(at(3, 5), window.start)
        db_settings.close_window(self.context, at(3, 6))
        self.rollover(cron(4))
        window = db_settings.open_window(self.context, at(3, 10))
        self.assertEqual(at(4), window.start)
        self.assertEqual(datetime.timezone.utc, window.start.tzinfo)
