import datetime

from decimal import Decimal

import testtools

from rintik.billing import segments
from rintik.tests.unit.billing.helpers import ALWAYS
from rintik.tests.unit.billing.helpers import amounts
from rintik.tests.unit.billing.helpers import at
from rintik.tests.unit.billing.helpers import interval
from rintik.tests.unit.billing.helpers import JUNE
from rintik.tests.unit.billing.helpers import price
from rintik.tests.unit.billing.helpers import rate

SMALL = price('0.10')


def cut(usage, versions=(SMALL,), now=at(2024, 7, 5), windows=ALWAYS,
        period=JUNE):
    return segments.cut_segments(usage, period[0], period[1], windows,
                                 list(versions), now)


def spans(segs):
    return [(s.start, s.end) for s in segs]


class PeriodClippingTest(testtools.TestCase):

    def test_interval_is_clipped_to_the_period(self):
        segs = cut(interval(at(2024, 5, 20), at(2024, 7, 3)))
        self.assertEqual([(at(2024, 6, 1), at(2024, 7, 1))], spans(segs))
        # 30 days x 86400 s.
        self.assertEqual(2592000, segs[0].seconds)

    def test_interval_outside_the_period_gives_nothing(self):
        self.assertEqual([], cut(interval(at(2024, 5, 1), at(2024, 6, 1))))

    def test_running_interval_in_the_open_period(self):
        now = datetime.datetime(2024, 6, 10, 12, 0, 30, 500000,
                                tzinfo=datetime.timezone.utc)
        [seg] = cut(interval(at(2024, 6, 10)), now=now)
        self.assertIsNone(seg.end)
        self.assertTrue(seg.running)
        # adjusted_end = min(now, period end), truncated to the second.
        self.assertEqual(at(2024, 6, 10, 12, 0, 30), seg.adjusted_end)
        self.assertEqual(12 * 3600 + 30, seg.seconds)

    def test_running_interval_in_an_ended_period_is_charged_to_its_end(self):
        # The period has ended but its invoice is not closed yet: the
        # segment still runs (no end date), charged up to the period end.
        [seg] = cut(interval(at(2024, 6, 10)), now=at(2024, 7, 1, 3))
        self.assertIsNone(seg.end)
        self.assertTrue(seg.running)
        self.assertEqual(at(2024, 7, 1), seg.adjusted_end)

    def test_ended_interval_in_the_open_period_has_an_end(self):
        [seg] = cut(interval(at(2024, 6, 10), at(2024, 6, 11)),
                    now=at(2024, 6, 20))
        self.assertEqual(at(2024, 6, 11), seg.end)

    def test_non_utc_period(self):
        # June in Asia/Jakarta: [31 May 17:00 UTC, 30 June 17:00 UTC).
        segs = cut(interval(at(2024, 5, 31, 12), at(2024, 6, 1, 12)),
                   period=(at(2024, 5, 31, 17), at(2024, 6, 30, 17)))
        self.assertEqual([(at(2024, 5, 31, 17), at(2024, 6, 1, 12))],
                         spans(segs))


class WindowTest(testtools.TestCase):

    def test_only_time_inside_windows_is_kept(self):
        windows = [segments.Window(at(2024, 6, 20), None),
                   segments.Window(at(2024, 5, 1), at(2024, 6, 10))]
        segs = cut(interval(at(2024, 6, 5), at(2024, 6, 25)),
                   windows=windows)
        self.assertEqual([(at(2024, 6, 5), at(2024, 6, 10)),
                          (at(2024, 6, 20), at(2024, 6, 25))], spans(segs))

    def test_window_closed_at_now_ends_a_running_interval(self):
        now = at(2024, 6, 15)
        [seg] = cut(interval(at(2024, 6, 10)), now=now,
                    windows=[segments.Window(at(2024, 6, 1), now)])
        self.assertEqual(now, seg.end)
        self.assertFalse(seg.running)

    def test_no_window_no_segment(self):
        self.assertEqual([], cut(interval(at(2024, 6, 10)), windows=[]))


class PriceVersionTest(testtools.TestCase):

    def test_cut_at_a_price_change(self):
        new = price('0.30', since=at(2024, 6, 15, 12))
        segs = cut(interval(at(2024, 6, 10), at(2024, 6, 20)), [SMALL, new])
        self.assertEqual([(at(2024, 6, 10), at(2024, 6, 15, 12)),
                          (at(2024, 6, 15, 12), at(2024, 6, 20))],
                         spans(segs))
        self.assertEqual([SMALL, new], [s.version for s in segs])

    def test_only_the_last_piece_of_a_running_interval_runs(self):
        new = price('0.30', since=at(2024, 6, 15))
        segs = cut(interval(at(2024, 6, 10)), [SMALL, new],
                   now=at(2024, 6, 20))
        self.assertEqual([(at(2024, 6, 10), at(2024, 6, 15)),
                          (at(2024, 6, 15), None)], spans(segs))

    def test_first_version_reaches_back(self):
        first = price('0.10', since=at(2024, 8, 1))
        [seg] = cut(interval(at(2024, 6, 10), at(2024, 6, 20)), [first])
        self.assertIs(first, seg.version)

    def test_first_of_several_versions_reaches_back(self):
        first = price('0.10', since=at(2024, 7, 1))
        later = price('0.20', since=at(2024, 7, 15))
        [seg] = cut(interval(at(2024, 6, 10), at(2024, 6, 20)),
                    [first, later])
        self.assertIs(first, seg.version)

    def test_no_version_is_unpriced(self):
        [seg] = cut(interval(at(2024, 6, 10), at(2024, 6, 20)), [])
        self.assertIsNone(seg.version)

    def test_ended_version_makes_the_rest_unpriced(self):
        gone = price('0', since=at(2024, 6, 15), ended=True)
        segs = cut(interval(at(2024, 6, 10), at(2024, 6, 20)), [SMALL, gone])
        self.assertEqual([SMALL, None], [s.version for s in segs])

    def test_unknown_resource_type(self):
        self.assertRaises(ValueError, segments.price_kind, 'bucket')


class PriceLogTest(testtools.TestCase):
    """The rate card is a log (PRODUCT.md §2.2): at T the most recently
    added version with effective_from <= T applies, else the first one
    added. Versions are listed in the order they were added."""

    def versions_over(self, versions, usage):
        return [(s.start, s.end, s.version and s.version.hourly)
                for s in cut(usage, versions, now=at(2024, 7, 5))]

    def test_a_later_version_with_an_earlier_date_does_not_reach_back(self):
        # Created with 0.025 on 20 June (no date: the moment of the
        # POST), then 0.030 from 15 June: 0.025 before 15 June, 0.030
        # from then on, also after 20 June.
        created = price('0.025', since=at(2024, 6, 20), sequence=1)
        patched = price('0.030', since=at(2024, 6, 15), sequence=2)
        self.assertEqual(
            [(at(2024, 6, 1), at(2024, 6, 15), Decimal('0.025')),
             (at(2024, 6, 15), at(2024, 7, 1), Decimal('0.030'))],
            self.versions_over([created, patched],
                               interval(at(2024, 5, 1), at(2024, 8, 1))))

    def test_a_version_inserted_between_two_others(self):
        # 0.10 from 1 June, 0.30 from 20 June, then 0.20 added from
        # 10 June: it applies from 10 June on, overriding 0.30 too.
        first = price('0.10', since=at(2024, 6, 1), sequence=1)
        third = price('0.30', since=at(2024, 6, 20), sequence=2)
        second = price('0.20', since=at(2024, 6, 10), sequence=3)
        usage = interval(at(2024, 6, 5), at(2024, 6, 25))
        self.assertEqual(
            [(at(2024, 6, 5), at(2024, 6, 10), Decimal('0.10')),
             (at(2024, 6, 10), at(2024, 6, 25), Decimal('0.20'))],
            self.versions_over([first, third, second], usage))
        # 5 days x 24 h x 0.10 + 15 days x 24 h x 0.20 = 12.00 + 72.00
        charged = rate([usage], [first, third, second])
        self.assertEqual([Decimal('12.00'), Decimal('72.00')],
                         amounts(charged))

    def test_a_backdated_version_after_a_delete(self):
        # 0.10 from 1 June, deleted on 20 June, then 0.40 added from
        # 10 June: 0.10 before 10 June, 0.40 from then on (the delete is
        # overridden: it was added before the 0.40 version).
        first = price('0.10', since=at(2024, 6, 1), sequence=1)
        deleted = price('0', since=at(2024, 6, 20), ended=True, sequence=2)
        backdated = price('0.40', since=at(2024, 6, 10), sequence=3)
        usage = interval(at(2024, 6, 5), at(2024, 6, 25))
        self.assertEqual(
            [(at(2024, 6, 5), at(2024, 6, 10), Decimal('0.10')),
             (at(2024, 6, 10), at(2024, 6, 25), Decimal('0.40'))],
            self.versions_over([first, deleted, backdated], usage))
        # 120 h x 0.10 + 360 h x 0.40 = 12.00 + 144.00
        self.assertEqual(
            [Decimal('12.00'), Decimal('144.00')],
            amounts(rate([usage], [first, deleted, backdated])))

    def test_a_delete_ends_the_price_until_a_later_version(self):
        first = price('0.10', since=at(2024, 6, 1), sequence=1)
        deleted = price('0', since=at(2024, 6, 20), ended=True, sequence=2)
        usage = interval(at(2024, 6, 5), at(2024, 6, 25))
        self.assertEqual(
            [(at(2024, 6, 5), at(2024, 6, 20), Decimal('0.10')),
             (at(2024, 6, 20), at(2024, 6, 25), None)],
            self.versions_over([first, deleted], usage))
