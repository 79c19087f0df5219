from decimal import Decimal

import testtools

from rintik.billing import charges
from rintik.billing import periods
from rintik.billing import quantity
from rintik.billing import segments
from rintik.tests.unit.billing.helpers import amounts
from rintik.tests.unit.billing.helpers import at
from rintik.tests.unit.billing.helpers import interval
from rintik.tests.unit.billing.helpers import price
from rintik.tests.unit.billing.helpers import rate
from rintik.tests.unit.billing.helpers import total

D = Decimal


def period_of(year, month, tz):
    start = periods.period_start(at(year, month, 15), tz)
    return start, periods.next_period_start(start, tz)


def gap_windows(*gaps):
    """Billing windows covering everything except the given gaps."""
    edges = [at(2000, 1, 1)] + [t for gap in gaps for t in gap] + [None]
    return [segments.Window(a, b) for a, b in zip(edges[::2], edges[1::2])]


class RawChargeTest(testtools.TestCase):

    def test_hourly_times_quantity_times_seconds(self):
        # 10 h 30 min 15 s = 37815 s; 0.05 x 37815 / 3600 = 0.52520833 -> 0.53
        charged = rate([interval(at(2024, 6, 3), at(2024, 6, 3, 10, 30, 15))],
                       [price('0.05')])
        self.assertEqual([D('0.53')], amounts(charged))

    def test_quantity(self):
        # 100 GB x 0.0002 x 240 h = 4.80
        usage = interval(at(2024, 6, 1), at(2024, 6, 11),
                         resource_type='volume', price_key='ssd',
                         quantity='100')
        charged = rate([usage], [price('0.0002', kind='volume', key='ssd')])
        self.assertEqual([D('4.80')], amounts(charged))

    def test_image_size_in_bytes(self):
        # q = 4979632 / 2^30 = 0.00463764369487762451171875 GiB;
        # 1.00 x q x 720 h = 3.3391034603118896484375 -> 3.34
        usage = interval(at(2024, 6, 1), at(2024, 7, 1),
                         resource_type='image', price_key=None,
                         quantity=quantity.gib_from_bytes(4979632))
        charged = rate([usage], [price('1.00', kind='image', key=None)])
        self.assertEqual([D('3.34')], amounts(charged))

    def test_price_change_mid_segment(self):
        # 10 Jun 00:00 -> 15 Jun 12:00 = 132 h x 0.10 = 13.20
        # 15 Jun 12:00 -> 20 Jun 00:00 = 108 h x 0.30 = 32.40
        charged = rate([interval(at(2024, 6, 10), at(2024, 6, 20))],
                       [price('0.10'),
                        price('0.30', since=at(2024, 6, 15, 12))])
        self.assertEqual([D('13.20'), D('32.40')], amounts(charged))
        self.assertEqual([D('0.10'), D('0.30')], [c.hourly for c in charged])

    def test_only_window_time_is_charged(self):
        # June minus the 10-20 June gap = 20 days = 480 h x 0.10 = 48.00
        charged = rate([interval(at(2024, 5, 1))], [price('0.10')],
                       windows=gap_windows((at(2024, 6, 10), at(2024, 6, 20))))
        self.assertEqual(D('48.00'), total(charged))

    def test_running_segment_is_charged_up_to_now(self):
        # 10 Jun 00:00 -> now 10 Jun 12:00:30 = 43230 s;
        # 0.10 x 43230 / 3600 = 1.20083 -> 1.20
        [charged] = rate([interval(at(2024, 6, 10))], [price('0.10')],
                         now=at(2024, 6, 10, 12, 0, 30))
        self.assertIsNone(charged.end)
        self.assertEqual(D('1.20'), charged.charge)


class ChargeUnitTest(testtools.TestCase):

    def charge(self, unit):
        # 61 s at 1.00 / h
        usage = interval(at(2024, 6, 3), at(2024, 6, 3, 0, 1, 1))
        return amounts(rate([usage], [price('1.00')], charge_unit=unit))

    def test_second(self):
        # 1.00 x 61 / 3600 = 0.016944 -> 0.02
        self.assertEqual([D('0.02')], self.charge('second'))

    def test_minute(self):
        # 61 s -> 2 started minutes = 120 s; 1.00 x 120 / 3600 = 0.0333 -> 0.03
        self.assertEqual([D('0.03')], self.charge('minute'))

    def test_hour(self):
        # 61 s -> 1 started hour; 1.00 x 1 = 1.00
        self.assertEqual([D('1.00')], self.charge('hour'))

    def test_hour_is_per_started_hour_of_each_segment(self):
        # Two 10-minute segments (billing off in between): 2 started hours
        # x 0.05 = 0.10 (one 20-minute stretch would have cost 0.05).
        charged = rate([interval(at(2024, 6, 3), at(2024, 6, 3, 0, 30))],
                       [price('0.05')], charge_unit='hour',
                       windows=gap_windows((at(2024, 6, 3, 0, 10),
                                            at(2024, 6, 3, 0, 20))))
        self.assertEqual([D('0.05'), D('0.05')], amounts(charged))

    def test_unknown_unit(self):
        self.assertRaises(ValueError, self.charge, 'day')


class MonthlyCapTest(testtools.TestCase):

    def test_cap_hit(self):
        # June = 720 h x 0.10 = 72.00 > cap 50.00 -> 50.00
        charged = rate([interval(at(2024, 5, 1))], [price('0.10', '50')])
        self.assertEqual([D('50.00')], amounts(charged))
        self.assertEqual(D('50'), charged[0].monthly)

    def test_cap_not_hit(self):
        # 1-11 June = 240 h x 0.10 = 24.00 < 50.00
        charged = rate([interval(at(2024, 6, 1), at(2024, 6, 11))],
                       [price('0.10', '50')])
        self.assertEqual([D('24.00')], amounts(charged))

    def test_cap_is_per_unit_of_quantity(self):
        # 100 GB: 0.0002 x 100 x 720 h = 14.40 > 0.10 x 100 = 10.00
        usage = interval(at(2024, 5, 1), resource_type='volume',
                         price_key='ssd', quantity='100')
        charged = rate([usage], [price('0.0002', '0.10', 'volume', 'ssd')])
        self.assertEqual([D('10.00')], amounts(charged))

    def test_segments_charged_in_time_order_until_the_cap(self):
        # Billing off 10-11 June. 1-10 June = 216 h x 0.10 = 21.60;
        # 11 Jun-1 Jul = 480 h x 0.10 = 48.00, running total 69.60 capped
        # at 50.00 -> 50.00 - 21.60 = 28.40
        charged = rate([interval(at(2024, 5, 1))], [price('0.10', '50')],
                       windows=gap_windows((at(2024, 6, 10), at(2024, 6, 11))))
        self.assertEqual([D('21.60'), D('28.40')], amounts(charged))

    def test_cap_of_the_version_in_force_at_the_end_applies(self):
        # 1-16 June = 360 h x 0.10 = 36.00; 16 Jun-1 Jul = 360 h x 0.20
        # = 72.00; running total 108.00 capped at the last cap 60.00
        # -> 36.00 + 24.00 (the first cap, 50, would give 50.00)
        versions = [price('0.10', '50'),
                    price('0.20', '60', since=at(2024, 6, 16))]
        charged = rate([interval(at(2024, 5, 1))], versions)
        self.assertEqual([D('36.00'), D('24.00')], amounts(charged))
        self.assertEqual([D('60'), D('60')], [c.monthly for c in charged])

    def test_no_monthly_price_no_cap(self):
        # 720 h x 0.10 = 72.00
        charged = rate([interval(at(2024, 5, 1))], [price('0.10')])
        self.assertEqual([D('72.00')], amounts(charged))

    def test_resize_mid_month_gives_two_capped_groups(self):
        # m1.small 1-11 June: 240 h x 0.05 = 12.00 (cap 30 not hit)
        # m1.large 11 Jun-1 Jul: 480 h x 0.25 = 120.00 -> cap 100.00
        small = interval(at(2024, 5, 20), at(2024, 6, 11))
        large = interval(at(2024, 6, 11), price_key='m1.large')
        versions = [price('0.05', '30'), price('0.25', '100', key='m1.large')]
        charged = rate([small, large], versions)
        self.assertEqual([D('12.00'), D('100.00')], amounts(charged))
        self.assertEqual(2, len({charges.group_key(c)
                                 for c in charged}))

    def test_quantity_change_starts_a_new_group(self):
        # 10 GB 1-11 June: 0.001 x 10 x 240 = 2.40 -> cap 10 x 0.05 = 0.50
        # 20 GB 11 Jun-1 Jul: 0.001 x 20 x 480 = 9.60 -> cap 20 x 0.05 = 1.00
        # (one shared group would be capped once at 1.00)
        versions = [price('0.001', '0.05', 'volume', 'ssd')]
        before = interval(at(2024, 6, 1), at(2024, 6, 11),
                          resource_type='volume', price_key='ssd',
                          quantity='10')
        after = interval(at(2024, 6, 11), resource_type='volume',
                         price_key='ssd', quantity='20')
        self.assertEqual([D('0.50'), D('1.00')],
                         amounts(rate([before, after], versions)))


class FullMonthTest(testtools.TestCase):

    def full_month(self, usage, versions, **kwargs):
        return rate(usage, versions, monthly_price_mode='full_month', **kwargs)

    def test_whole_month_costs_the_monthly_price(self):
        # hourly would be 720 h x 0.05 = 36.00, but a whole month = 50.00
        charged = self.full_month([interval(at(2024, 5, 1))],
                                  [price('0.05', '50')])
        self.assertEqual([D('50.00')], amounts(charged))

    def test_partial_month_is_charged_hourly_without_cap(self):
        # 2 Jun-1 Jul = 696 h x 0.10 = 69.60 (cap mode would give 50.00)
        charged = self.full_month([interval(at(2024, 6, 2))],
                                  [price('0.10', '50')])
        self.assertEqual([D('69.60')], amounts(charged))

    def test_whole_dst_month(self):
        # Berlin March 2024 (743 h) whole: 50.00; hourly would be 74.30
        charged = self.full_month([interval(at(2024, 1, 1))],
                                  [price('0.10', '50')],
                                  period=period_of(2024, 3, 'Europe/Berlin'))
        self.assertEqual([D('50.00')], amounts(charged))

    def test_in_progress_month_is_charged_hourly(self):
        # now 11 June: 240 h x 0.10 = 24.00
        charged = self.full_month([interval(at(2024, 5, 1))],
                                  [price('0.10', '50')], now=at(2024, 6, 11))
        self.assertEqual([D('24.00')], amounts(charged))

    def test_whole_month_with_a_price_change(self):
        # Monthly of the last version (60) spread over 360 h + 360 h of
        # 720 h: 30.00 + 30.00
        versions = [price('0.10', '50'),
                    price('0.20', '60', since=at(2024, 6, 16))]
        charged = self.full_month([interval(at(2024, 5, 1))], versions)
        self.assertEqual([D('30.00'), D('30.00')], amounts(charged))

    def test_partly_unpriced_month_is_charged_hourly(self):
        # Price deleted 11 June: 1-11 June 240 h x 0.05 = 12.00, then
        # unpriced 0.00 (not the monthly 50.00)
        versions = [price('0.05', '50'),
                    price('0', since=at(2024, 6, 11), ended=True)]
        charged = self.full_month([interval(at(2024, 5, 1))], versions)
        self.assertEqual([D('12.00'), D('0.00')], amounts(charged))

    def test_unknown_mode(self):
        self.assertRaises(ValueError, rate, [], [],
                          monthly_price_mode='weekly')


class RoundingTest(testtools.TestCase):

    def test_rounding_is_on_the_running_total(self):
        # Three 1000 s segments at 0.0144 / h: 0.0144 x 1000 / 3600 = 0.004
        # each. Running totals 0.004, 0.008, 0.012 round to 0.00, 0.01,
        # 0.01 -> charges 0.00, 0.01, 0.00 (per segment: 0.00 x 3)
        charged = rate([interval(at(2024, 6, 3), at(2024, 6, 3, 1))],
                       [price('0.0144')],
                       windows=gap_windows(
                           (at(2024, 6, 3, 0, 16, 40), at(2024, 6, 3, 0, 20)),
                           (at(2024, 6, 3, 0, 36, 40), at(2024, 6, 3, 0, 40)),
                           (at(2024, 6, 3, 0, 56, 40), at(2024, 6, 3, 1))))
        self.assertEqual([D('0.00'), D('0.01'), D('0.00')], amounts(charged))

    def test_half_up(self):
        # 0.018 x 1000 / 3600 = 0.005 exactly -> 0.01
        charged = rate([interval(at(2024, 6, 3), at(2024, 6, 3, 0, 16, 40))],
                       [price('0.018')])
        self.assertEqual([D('0.01')], amounts(charged))

    def test_jpy_has_no_decimals(self):
        # 3 JPY / h x 30 min = 1.5 -> 2
        charged = rate([interval(at(2024, 6, 3), at(2024, 6, 3, 0, 30))],
                       [price('3')], currency='JPY')
        self.assertEqual(['2'], [str(c) for c in amounts(charged)])

    def test_kwd_has_three_decimals(self):
        # 0.0125 KWD / h x 1 h 6 min = 0.0125 x 3960 / 3600 = 0.01375 -> 0.014
        charged = rate([interval(at(2024, 6, 3), at(2024, 6, 3, 1, 6))],
                       [price('0.0125')], currency='KWD')
        self.assertEqual(['0.014'], [str(c) for c in amounts(charged)])


class UnpricedTest(testtools.TestCase):

    def test_unpriced_usage_is_charged_zero_and_flagged(self):
        [charged] = rate([interval(at(2024, 6, 3), at(2024, 6, 4))], [])
        self.assertEqual(D('0.00'), charged.charge)
        self.assertTrue(charged.unpriced)
        self.assertIsNone(charged.hourly)

    def test_later_price_reaches_back_to_earlier_usage(self):
        # The first version (effective 15 July) prices June usage, not the
        # second (1 August): 10 h x 0.05 = 0.50
        [charged] = rate([interval(at(2024, 6, 3), at(2024, 6, 3, 10))],
                         [price('0.05', since=at(2024, 7, 15)),
                          price('0.07', since=at(2024, 8, 1))])
        self.assertEqual(D('0.50'), charged.charge)
        self.assertFalse(charged.unpriced)

    def test_deleted_price_leaves_the_rest_unpriced(self):
        # 1-11 June 240 h x 0.10 = 24.00, then unpriced 0.00
        versions = [price('0.10', '50'),
                    price('0', since=at(2024, 6, 11), ended=True)]
        charged = rate([interval(at(2024, 5, 1))], versions)
        self.assertEqual([D('24.00'), D('0.00')], amounts(charged))
        self.assertEqual([False, True], [c.unpriced for c in charged])


class PeriodBoundaryTest(testtools.TestCase):

    def test_jakarta_period_boundaries(self):
        # 31 May 12:00 -> 1 Jun 12:00 UTC; June in Jakarta starts 31 May
        # 17:00 UTC: May gets 5 h x 0.10 = 0.50, June 19 h x 0.10 = 1.90
        usage = [interval(at(2024, 5, 31, 12), at(2024, 6, 1, 12))]
        may = rate(usage, [price('0.10')],
                   period=period_of(2024, 5, 'Asia/Jakarta'))
        june = rate(usage, [price('0.10')],
                    period=period_of(2024, 6, 'Asia/Jakarta'))
        self.assertEqual([D('0.50')], amounts(may))
        self.assertEqual([D('1.90')], amounts(june))

    def test_dst_months(self):
        # whole month at 0.10 / h: Berlin March 743 h = 74.30, Berlin
        # October 745 h = 74.50, New York November 721 h = 72.10
        usage = [interval(at(2024, 1, 1))]
        for expected, month, tz in ((D('74.30'), 3, 'Europe/Berlin'),
                                    (D('74.50'), 10, 'Europe/Berlin'),
                                    (D('72.10'), 11, 'America/New_York')):
            charged = rate(usage, [price('0.10')],
                           period=period_of(2024, month, tz),
                           now=at(2025, 1, 1))
            self.assertEqual([expected], amounts(charged))
