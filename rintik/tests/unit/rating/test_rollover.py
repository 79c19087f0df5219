"""invoice-rollover (PRODUCT.md §3): idempotent, catching up, states,
tax, the balance, adjustments, the lock and the time zone."""

import datetime

import fixtures
import testscenarios

from rintik.common import coordination
from rintik.db import balances
from rintik.db import invoices as db_invoices
from rintik.db import settings as db_settings
from rintik.rating import rollover
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import D
from rintik.tests.unit.rating.helpers import RatingTestCase

load_tests = testscenarios.load_tests_apply_scenarios

IN_PROGRESS = db_invoices.IN_PROGRESS
UNPAID = db_invoices.UNPAID
FINISHED = db_invoices.FINISHED


def money(*amounts):
    return tuple(None if amount is None else D(amount) for amount in amounts)


# The quarter built by QuarterTest.build, invoice by invoice:
# (project, period, state, subtotal, tax, total); tax 11 %.
QUARTER = [
    # p1: i1 (m1: 0.0125/h, cap 6.00) 10 Jan -> 3 Mar 12:00;
    #     v1 (ssd: 0.0002/GB-h, 0.0003 from 15 Feb) 20 GB from 15 Jan,
    #     40 GB from 10 Feb, deleted 20 Mar.
    # Jan: i1 528 h x 0.0125 = 6.60 -> cap 6.00; v1 408 h x 20 x 0.0002
    #      = 1.632 -> 1.63; 7.63 + 0.8393 -> 0.84 = 8.47
    ('p1', 1, UNPAID) + money('7.63', '0.84', '8.47'),
    # Feb: i1 672 h = 8.40 -> cap 6.00; v1 20 GB 216 h = 0.864 -> 0.86;
    #      v1 40 GB 120 h x 0.0002 = 0.96 then 336 h x 0.0003 = 4.032
    #      (running 4.992 -> 4.99, so 4.03); 11.85 + 1.3035 -> 1.30 = 13.15
    ('p1', 2, UNPAID) + money('11.85', '1.30', '13.15'),
    # Mar (window closed 5 -> 10 Mar): i1 60 h = 0.75; v1 96 h x 40 x
    #      0.0003 = 1.152 -> 1.15, 240 h = 2.88 (4.032 -> 4.03);
    #      4.78 + 0.5258 -> 0.53 = 5.31
    ('p1', 3, UNPAID) + money('4.78', '0.53', '5.31'),
    # Apr: nothing runs any more: 0 closes finished.
    ('p1', 4, FINISHED) + money('0.00', '0.00', '0.00'),
    ('p1', 5, IN_PROGRESS) + money(None, None, None),
    # p2: floating IP f1 (0.005/h) from 1 Jan 12:00.
    # Jan 732 h = 3.66 + 0.4026; Feb 672 h = 3.36 + 0.3696;
    # Mar 624 h = 3.12 + 0.3432; Apr 720 h = 3.60 + 0.396
    ('p2', 1, UNPAID) + money('3.66', '0.40', '4.06'),
    ('p2', 2, UNPAID) + money('3.36', '0.37', '3.73'),
    ('p2', 3, UNPAID) + money('3.12', '0.34', '3.46'),
    ('p2', 4, UNPAID) + money('3.60', '0.40', '4.00'),
    ('p2', 5, IN_PROGRESS) + money(None, None, None),
    # p3: i3 5 Jan -> 20 Jan = 360 h x 0.0125 = 4.50 + 0.495 -> 0.50;
    #     the project is retired on 25 Jan: no further invoice.
    ('p3', 1, UNPAID) + money('4.50', '0.50', '5.00'),
    # p4: snapshot s4 (10 GB, 0.0001/GB-h) from 1 Jan, never deleted;
    #     retired on 15 Jan but still running: it is invoiced on.
    # Jan 744 h = 0.744 -> 0.74 + 0.0814; Feb 672 h = 0.67 + 0.0737;
    # Mar 624 h = 0.62 + 0.0682; Apr 720 h = 0.72 + 0.0792
    ('p4', 1, UNPAID) + money('0.74', '0.08', '0.82'),
    ('p4', 2, UNPAID) + money('0.67', '0.07', '0.74'),
    ('p4', 3, UNPAID) + money('0.62', '0.07', '0.69'),
    ('p4', 4, UNPAID) + money('0.72', '0.08', '0.80'),
    ('p4', 5, IN_PROGRESS) + money(None, None, None),
]


class QuarterTest(RatingTestCase):

    def build(self):
        self.setting('invoice_tax', 11)
        self.price('0.0125', '6.00')
        self.price('0.0002', kind='volume', key='ssd')
        self.price('0.0003', kind='volume', key='ssd',
                   effective_from=at(2, 15))
        self.price('0.005', kind='floating_ip', key=None)
        self.price('0.0001', kind='snapshot', key=None)
        self.enable(at(1))
        db_settings.close_window(self.context, at(3, 5))
        self.enable(at(3, 10))
        self.live('i1', at(1, 10), at(3, 3, 12))
        self.live('v1', at(1, 15), resource_type='volume', price_key='ssd',
                  quantity=20)
        self.live('v1', at(2, 10), at(3, 20), resource_type='volume',
                  price_key='ssd', quantity=40)
        self.live('f1', at(1, 1, 12), project='p2',
                  resource_type='floating_ip', price_key=None)
        self.live('i3', at(1, 5), at(1, 20), project='p3')
        self.retire(at(1, 25), 'p3')
        self.live('s4', at(1), project='p4', resource_type='snapshot',
                  price_key=None, quantity=10)
        self.retire(at(1, 15), 'p4')

    def table(self):
        return [(invoice.project_id, invoice.period_start.month)
                + self.totals(invoice) for invoice in self.invoices()]

    def test_each_boundary(self):
        self.build()
        for month in (2, 3, 4, 5):
            self.rollover(cron(month))
        self.assertEqual(QUARTER, self.table())
        self.assertEqual(
            [('i1', at(1, 10), at(2), D('6.00')),
             ('v1', at(1, 15), at(2), D('1.63'))],
            self.charges(self.invoice('p1', at(1))))
        self.assertEqual(
            [('i1', at(2), at(3), D('6.00')),
             ('v1', at(2), at(2, 10), D('0.86')),
             ('v1', at(2, 10), at(2, 15), D('0.96')),
             ('v1', at(2, 15), at(3), D('4.03'))],
            self.charges(self.invoice('p1', at(2))))
        self.assertEqual(
            [('i1', at(3), at(3, 3, 12), D('0.75')),
             ('v1', at(3), at(3, 5), D('1.15')),
             ('v1', at(3, 10), at(3, 20), D('2.88'))],
            self.charges(self.invoice('p1', at(3))))
        self.assertEqual([], self.charges(self.invoice('p1', at(4))))

    def test_catch_up_is_the_same_as_each_boundary(self):
        self.build()
        for month in (2, 3, 4, 5):
            self.rollover(cron(month))
        each_boundary = self.snapshot()
        self.forget_invoices()
        summary = self.rollover(cron(5))
        # Four periods closed for p1, p2 and p4, one for p3.
        self.assertEqual((True, 13, 16), (summary.ran, summary.issued,
                                          summary.opened))
        caught_up = self.snapshot()
        self.assertEqual(len(each_boundary), len(caught_up))
        for expected, actual in zip(each_boundary, caught_up):
            self.assertEqual(expected, actual)
        self.assertEqual(QUARTER, self.table())

    def test_idempotent(self):
        self.build()
        first = self.rollover(cron(2))
        self.assertEqual((4, 7), (first.issued, first.opened))
        invoices = self.invoices()
        segments = [db_invoices.segments_of(self.context, invoice.id)
                    for invoice in invoices]
        for now in (cron(2), cron(2) + datetime.timedelta(hours=1),
                    at(2, 20)):
            again = self.rollover(now)
            self.assertEqual((True, 0, 0), (again.ran, again.issued,
                                            again.opened))
            self.assertEqual(invoices, self.invoices())
            self.assertEqual(segments, [
                db_invoices.segments_of(self.context, invoice.id)
                for invoice in invoices])

    def test_nothing_closes_before_the_period_ends(self):
        self.build()
        self.rollover(at(1, 31, 23, 59, 59))
        self.assertEqual({IN_PROGRESS},
                         {invoice.state for invoice in self.invoices()})

    def test_close_delay(self):
        self.config(group='billing', close_delay=3600)
        self.build()
        self.rollover(cron(2))
        self.assertEqual({IN_PROGRESS},
                         {invoice.state for invoice in self.invoices()})
        self.rollover(at(2, 1, 1))
        self.assertEqual(UNPAID, self.invoice('p1', at(1)).state)


class TaxTest(RatingTestCase):
    """tax = round half-up(subtotal x tax % / 100); total = subtotal +
    tax."""

    scenarios = [
        # 201 h x 0.05 = 10.05; 10.05 x 11 % = 1.1055 -> 1.11
        ('eleven', dict(tax=11, hourly='0.05', hours=201,
                        expected=money('10.05', '1.11', '11.16'))),
        # 0.25 x 10 % = 0.025 -> 0.03 (half-up, not half-even's 0.02)
        ('half_up', dict(tax=10, hourly='0.25', hours=1,
                         expected=money('0.25', '0.03', '0.28'))),
        # 0.05 x 11 % = 0.0055 -> 0.01
        ('small', dict(tax=11, hourly='0.05', hours=1,
                       expected=money('0.05', '0.01', '0.06'))),
        # 0.04 x 11 % = 0.0044 -> 0.00
        ('rounds_to_zero', dict(tax=11, hourly='0.04', hours=1,
                                expected=money('0.04', '0.00', '0.04'))),
        ('hundred', dict(tax=100, hourly='1.23', hours=1,
                         expected=money('1.23', '1.23', '2.46'))),
        ('none', dict(tax=0, hourly='1.23', hours=1,
                      expected=money('1.23', '0.00', '1.23'))),
    ]

    def test_tax(self):
        self.setting('invoice_tax', self.tax)
        self.price(self.hourly)
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 10) + datetime.timedelta(
            hours=self.hours))
        self.rollover(cron(2))
        invoice = self.invoice('p1', at(1))
        self.assertEqual((UNPAID,) + self.expected, self.totals(invoice))
        self.assertEqual(self.tax, invoice.tax_percent)


class BalanceTest(RatingTestCase):
    """invoice_auto_deduct_balance pays an issued invoice from a balance
    that covers it (PRODUCT.md §3.6)."""

    def settle(self, auto_deduct, balance):
        # i1 24 h x 1.00 = 24.00 + 11 % (2.64) = 26.64
        self.setting('invoice_tax', 11)
        self.setting('invoice_auto_deduct_balance', auto_deduct)
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11))
        balances.record(self.context, 'p1', balances.TOP_UP, D(balance),
                        'top-up', at(1, 2))
        self.rollover(cron(2))
        invoice = self.invoice('p1', at(1))
        self.assertEqual(money('24.00', '2.64', '26.64'),
                         self.totals(invoice)[1:])
        return invoice, [(row.action, row.amount, row.invoice_id)
                         for row in balances.transactions(self.context, 'p1')]

    def test_paid_from_a_sufficient_balance(self):
        invoice, ledger = self.settle(True, '26.64')
        self.assertEqual((FINISHED, cron(2), D('26.64')),
                         (invoice.state, invoice.finish_date,
                          invoice.deducted))
        self.assertEqual([('top_down', D('26.64'), invoice.id),
                          ('top_up', D('26.64'), None)], ledger)
        self.assertEqual(D('0.00'), balances.amount(self.context, 'p1'))

    def test_not_paid_from_an_insufficient_balance(self):
        invoice, ledger = self.settle(True, '26.63')
        self.assertEqual((UNPAID, None, D('0')),
                         (invoice.state, invoice.finish_date,
                          invoice.deducted))
        self.assertEqual([('top_up', D('26.63'), None)], ledger)
        self.assertEqual(D('26.63'), balances.amount(self.context, 'p1'))

    def test_not_paid_when_the_setting_is_off(self):
        invoice, ledger = self.settle(False, '100')
        self.assertEqual(UNPAID, invoice.state)
        self.assertEqual([('top_up', D('100.00'), None)], ledger)


class AdjustmentTest(RatingTestCase):
    """Usage that arrives after its period closed (PRODUCT.md §3.5)."""

    def setUp(self):
        super().setUp()
        # i1 runs from 10 Jan at 1.00/h: January = 22 days = 528.00.
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10))
        self.rollover(cron(2))
        self.january = self.invoice('p1', at(1))
        self.issued = (self.totals(self.january), self.charges(self.january))
        self.assertEqual(((UNPAID,) + money('528.00', '0.00', '528.00'),
                          [('i1', at(1, 10), at(2), D('528.00'))]),
                         self.issued)

    def adjustments(self, invoice, now=None):
        return [(line.interval.resource_id, line.start, line.adjusted_end,
                 line.charge, line.adjusted_invoice_id)
                for line in self.lines(invoice, now) if line.adjustment]

    def assert_january_unchanged(self):
        january = self.invoice('p1', at(1))
        self.assertEqual(self.issued, (self.totals(january),
                                       self.charges(january)))

    def test_late_usage_is_a_positive_adjustment(self):
        # i2 ran 20 Jan -> 21 Jan (24 h = 24.00); we hear of it in February.
        self.live('i2', at(1, 20), at(1, 21))
        february = self.invoice('p1', at(2))
        expected = [('i2', at(1, 20), at(1, 21), D('24.00'),
                     self.january.id)]
        self.assertEqual(expected, self.adjustments(february, at(2, 10)))
        self.rollover(cron(3))
        february = self.invoice('p1', at(2))
        # February: i1 672 h = 672.00 + the adjustment 24.00
        self.assertEqual((UNPAID,) + money('696.00', '0.00', '696.00'),
                         self.totals(february))
        self.assertEqual(expected, self.adjustments(february))
        self.assert_january_unchanged()
        # Billed once: March carries no further adjustment.
        self.rollover(cron(4))
        self.assertEqual([], self.adjustments(self.invoice('p1', at(3))))

    def test_late_end_is_a_credit(self):
        # i1 was in fact deleted on 25 Jan: January re-rated = 15 days =
        # 360.00, already billed 528.00: -168.00 on February's invoice.
        self.setting('invoice_tax', 11)
        self.observe(at(1, 25), 'i1', gone=True)
        self.rollover(cron(3))
        february = self.invoice('p1', at(2))
        self.assertEqual([('i1', at(1, 10), at(1, 25), D('-168.00'),
                           self.january.id)], self.adjustments(february))
        self.assertEqual([('i1', at(1, 10), at(1, 25), D('-168.00'))],
                         self.charges(february))
        # tax = round(-168.00 x 11 %) = -18.48; a negative total closes
        # finished and is credited to the balance.
        self.assertEqual((FINISHED,) + money('-168.00', '-18.48',
                                             '-186.48'),
                         self.totals(february))
        self.assertEqual(D('186.48'), balances.amount(self.context, 'p1'))
        self.assert_january_unchanged()

    def test_adjustments_follow_the_usage_intervals_project(self):
        # Learnt in February: i1 moved from p1 to p2 on 20 Jan. p1's
        # January is re-rated to 10 days (240.00): a credit of 288.00 on
        # p1's February; p2's January (from 20 Jan, 288.00) is billed on
        # p2's own January invoice.
        self.observe(at(1, 20), 'i1', project='p2')
        self.rollover(cron(3))
        self.assertEqual([('i1', at(1, 10), at(1, 20), D('-288.00'),
                           self.january.id)],
                         self.adjustments(self.invoice('p1', at(2))))
        self.assertEqual([('i1', at(1, 20), at(2), D('288.00'))],
                         self.charges(self.invoice('p2', at(1))))
        self.assert_january_unchanged()

    def test_a_group_no_longer_used_is_credited_over_what_it_billed(self):
        # Learnt in February: i1 was an m2 (no price) from its start. The
        # m2 group re-rates to 0.00 (no adjustment); the m1 group, re-rated
        # to nothing, is credited its 528.00 over the extent and prices of
        # what January billed for it.
        self.observe(at(1, 10), 'i1', price_key='m2', message_id='zz')
        self.rollover(cron(3))
        february = self.invoice('p1', at(2))
        self.assertEqual(
            [('i1', 'm1', at(1, 10), at(2), D('1.00'), D('-528.00'),
              self.january.id)],
            [(line.interval.resource_id, line.interval.price_key,
              line.start, line.adjusted_end, line.hourly, line.charge,
              line.adjusted_invoice_id)
             for line in self.lines(february) if line.adjustment])
        self.assert_january_unchanged()

    def test_with_two_invoices_in_progress_only_the_oldest_shows_it(self):
        # close_delay of 2 days: on 1 Mar 00:07 February is still in
        # progress, as is March; the late i2 (24.00) of January is on
        # February only, never on both.
        self.config(group='billing', close_delay=2 * 86400)
        self.live('i2', at(1, 20), at(1, 21))
        self.rollover(cron(3))
        february, march = self.invoice('p1', at(2)), self.invoice('p1', at(3))
        self.assertEqual((IN_PROGRESS, IN_PROGRESS),
                         (february.state, march.state))
        self.assertEqual([('i2', at(1, 20), at(1, 21), D('24.00'),
                           self.january.id)],
                         self.adjustments(february, at(3, 2)))
        self.assertEqual([], self.adjustments(march, at(3, 2)))
        # Closed on 3 Mar: February carries it, March does not.
        self.rollover(at(3, 3, 0, 7))
        self.assertEqual(D('696.00'), self.invoice('p1', at(2)).total)
        self.assertEqual([], self.adjustments(self.invoice('p1', at(3)),
                                              at(3, 4)))


class RerateTest(RatingTestCase):
    """Re-rating a closed period uses the rate card its invoice was
    issued with (PRODUCT.md §2.2, §3.5)."""

    def setUp(self):
        super().setUp()
        self.enable(at(1))
        self.live('i1', at(1, 10))

    def test_a_later_first_price_does_not_reach_into_closed_periods(self):
        # i1 (flavor m1, no price yet) is unpriced in January. m1's first
        # price, set on 9 Feb, reaches back to the open February only;
        # i1 then changes: January is not re-priced.
        self.rollover(cron(2))
        self.assertEqual([('i1', at(1, 10), at(2), D('0.00'))],
                         self.charges(self.invoice('p1', at(1))))
        self.price('2.00', now=at(2, 9))
        self.observe(at(2, 11), 'i1', gone=True)
        self.rollover(cron(3))
        # 1 Feb -> 11 Feb = 240 h x 2.00
        self.assertEqual([('i1', at(2), at(2, 11), D('480.00'))],
                         self.charges(self.invoice('p1', at(2))))

    def test_prices_entered_before_a_run_with_a_past_now(self):
        # The cron missed the boundary; on 3 Feb the first price is set
        # (January is still open), then January is closed as at 1 Feb
        # (invoice-rollover --now). Those prices priced January, so
        # re-rating it must use them too.
        self.rollover(at(1, 15))
        self.price('1.00', now=at(2, 3))
        self.rollover(cron(2))
        self.assertEqual([('i1', at(1, 10), at(2), D('528.00'))],
                         self.charges(self.invoice('p1', at(1))))
        # i1 changes in February: January's usage is the same.
        self.observe(at(2, 2), 'i1', gone=True)
        self.rollover(cron(3))
        self.assertEqual([('i1', at(2), at(2, 2), D('24.00'))],
                         self.charges(self.invoice('p1', at(2))))


class MutualExclusionTest(RatingTestCase):
    """One rollover at a time: the coordination lock is held for the
    whole run, however long."""

    def setUp(self):
        super().setUp()
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11))

    def test_a_second_rollover_while_the_lock_is_held_does_nothing(self):
        with coordination.exclusive(self.conf, rollover.LOCK) as taken:
            self.assertTrue(taken)
            summary = self.rollover(cron(2))
            self.assertEqual(rollover.Summary(ran=False), summary)
            self.assertEqual([], self.invoices())
        # Released: the next run does the work.
        self.assertTrue(self.rollover(cron(2)).ran)
        self.assertEqual(UNPAID, self.invoice('p1', at(1)).state)

    def test_the_lock_is_released_after_a_run(self):
        self.rollover(cron(2))
        with coordination.exclusive(self.conf, rollover.LOCK) as taken:
            self.assertTrue(taken)

    def test_the_lock_is_released_when_a_run_fails(self):
        self.useFixture(fixtures.MockPatchObject(
            rollover.Rollover, 'run', side_effect=RuntimeError('boom')))
        self.assertRaises(RuntimeError, self.rollover, cron(2))
        with coordination.exclusive(self.conf, rollover.LOCK) as taken:
            self.assertTrue(taken)


class TimezoneTest(RatingTestCase):
    """Periods are calendar months in [billing] timezone: Asia/Jakarta is
    UTC+7, so February starts on 31 Jan at 17:00 UTC."""

    def setUp(self):
        super().setUp()
        self.config(group='billing', timezone='Asia/Jakarta')
        self.price('1.00')
        self.local_new_year = at(12, 31, 17, year=2025)
        self.february = at(1, 31, 17)
        self.enable(self.local_new_year)
        # 31 Jan 23:00 -> 1 Feb 02:00 local time
        self.live('i1', at(1, 31, 16), at(1, 31, 19))

    def test_boundaries_at_local_midnight(self):
        self.rollover(self.february - datetime.timedelta(seconds=1))
        self.assertEqual([IN_PROGRESS],
                         [invoice.state for invoice in self.invoices()])
        self.rollover(self.february + datetime.timedelta(minutes=7))
        january, february = self.invoices('p1')
        self.assertEqual(
            (self.local_new_year, self.february, UNPAID, D('1.00')),
            (january.period_start, january.period_end, january.state,
             january.total))
        self.assertEqual([('i1', at(1, 31, 16), self.february, D('1.00'))],
                         self.charges(january))
        self.assertEqual((self.february, at(2, 28, 17), IN_PROGRESS),
                         (february.period_start, february.period_end,
                          february.state))
        self.assertEqual([('i1', self.february, at(1, 31, 19), D('2.00'))],
                         self.charges(february, at(2, 1, 3)))
