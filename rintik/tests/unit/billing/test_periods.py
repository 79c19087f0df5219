import datetime
import zoneinfo

import testtools

from rintik.billing import periods
from rintik.tests.unit.billing.helpers import at

HOUR = datetime.timedelta(hours=1)


def month_hours(year, month, tz):
    start = periods.period_start(at(year, month, 15), tz)
    return (periods.next_period_start(start, tz) - start) / HOUR


class PeriodStartTest(testtools.TestCase):

    def test_utc(self):
        self.assertEqual(at(2024, 6, 1),
                         periods.period_start(at(2024, 6, 30, 23, 59, 59),
                                              'UTC'))

    def test_jakarta_month_starts_at_17_utc_the_day_before(self):
        # Asia/Jakarta is UTC+7: 1 June 00:00 WIB = 31 May 17:00 UTC.
        self.assertEqual(at(2024, 5, 31, 17),
                         periods.period_start(at(2024, 5, 31, 17),
                                              'Asia/Jakarta'))
        # One second earlier is still May in Jakarta: 30 April 17:00 UTC.
        self.assertEqual(at(2024, 4, 30, 17),
                         periods.period_start(at(2024, 5, 31, 16, 59, 59),
                                              'Asia/Jakarta'))

    def test_accepts_a_tzinfo(self):
        zone = zoneinfo.ZoneInfo('America/New_York')
        # 1 June 00:00 EDT (UTC-4) = 1 June 04:00 UTC.
        self.assertEqual(at(2024, 6, 1, 4),
                         periods.period_start(at(2024, 6, 1, 4), zone))

    def test_result_is_utc(self):
        start = periods.period_start(at(2024, 6, 5), 'Europe/Berlin')
        self.assertEqual(datetime.timezone.utc, start.tzinfo)

    def test_naive_datetime_is_rejected(self):
        self.assertRaises(ValueError, periods.period_start,
                          datetime.datetime(2024, 6, 1), 'UTC')


class NextPeriodStartTest(testtools.TestCase):

    def test_year_wraps(self):
        # Berlin, CET (UTC+1): 1 Jan 2025 00:00 = 31 Dec 2024 23:00 UTC.
        self.assertEqual(at(2024, 12, 31, 23),
                         periods.next_period_start(at(2024, 11, 30, 23),
                                                   'Europe/Berlin'))

    def test_dst_month_lengths_berlin(self):
        # March 2024: 31 x 24 - 1 (clocks forward 31 March) = 743 h.
        self.assertEqual(743, month_hours(2024, 3, 'Europe/Berlin'))
        # October 2024: 31 x 24 + 1 (clocks back 27 October) = 745 h.
        self.assertEqual(745, month_hours(2024, 10, 'Europe/Berlin'))
        # June 2024: 30 x 24 = 720 h.
        self.assertEqual(720, month_hours(2024, 6, 'Europe/Berlin'))

    def test_dst_month_lengths_new_york(self):
        # March 2024: 31 x 24 - 1 (10 March) = 743 h.
        self.assertEqual(743, month_hours(2024, 3, 'America/New_York'))
        # November 2024: 30 x 24 + 1 (3 November) = 721 h.
        self.assertEqual(721, month_hours(2024, 11, 'America/New_York'))

    def test_jakarta_has_no_dst(self):
        # February 2024 (leap year): 29 x 24 = 696 h.
        self.assertEqual(696, month_hours(2024, 2, 'Asia/Jakarta'))


class PeriodsBetweenTest(testtools.TestCase):

    def test_periods_overlapping_a_half_open_range(self):
        # [15 Jan, 1 Mar) overlaps January and February only.
        self.assertEqual(
            [(at(2024, 1, 1), at(2024, 2, 1)),
             (at(2024, 2, 1), at(2024, 3, 1))],
            list(periods.periods_between(at(2024, 1, 15), at(2024, 3, 1),
                                         'UTC')))

    def test_non_utc_zone(self):
        # [1 Jun 00:00 UTC, 1 Jun 01:00 UTC) is 07:00-08:00 WIB on 1 June:
        # a single period starting 31 May 17:00 UTC.
        self.assertEqual(
            [(at(2024, 5, 31, 17), at(2024, 6, 30, 17))],
            list(periods.periods_between(at(2024, 6, 1), at(2024, 6, 1, 1),
                                         'Asia/Jakarta')))

    def test_empty_range(self):
        self.assertEqual([], list(periods.periods_between(
            at(2024, 6, 1), at(2024, 6, 1), 'UTC')))
