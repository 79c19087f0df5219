import datetime

import testtools

from rintik.billing import segments
from rintik.tests.unit.billing.helpers import ALWAYS
from rintik.tests.unit.billing.helpers import at
from rintik.tests.unit.billing.helpers import interval
from rintik.tests.unit.billing.helpers import JUNE
from rintik.tests.unit.billing.helpers import price

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
        segs = cut(interval(at(2024, 6, 10), at(2024, 6, 20)), [new, SMALL])
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
                    [later, first])
        self.assertIs(first, seg.version)

    def test_no_version_is_unpriced(self):
        [seg] = cut(interval(at(2024, 6, 10), at(2024, 6, 20)), [])
        self.assertIsNone(seg.version)

    def test_ended_version_makes_the_rest_unpriced(self):
        gone = price('0', since=at(2024, 6, 15), ended=True)
        segs = cut(interval(at(2024, 6, 10), at(2024, 6, 20)), [SMALL, gone])
        self.assertEqual([SMALL, None], [s.version for s in segs])

    def test_versions_are_selected_by_kind_and_key(self):
        other_flavor = price('9', key='m1.large')
        volume = price('8', kind='volume', key='m1.small')
        [seg] = cut(interval(at(2024, 6, 10), at(2024, 6, 20)),
                    [other_flavor, volume, SMALL])
        self.assertIs(SMALL, seg.version)

    def test_single_price_kind_ignores_the_interval_key(self):
        fip_price = price('0.01', kind='floating_ip', key=None)
        usage = interval(at(2024, 6, 10), at(2024, 6, 20),
                         resource_type='floating_ip', price_key='whatever')
        [seg] = cut(usage, [fip_price])
        self.assertIs(fip_price, seg.version)

    def test_unknown_resource_type(self):
        self.assertRaises(ValueError, cut,
                          interval(at(2024, 6, 10), resource_type='bucket'))
