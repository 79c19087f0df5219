"""The rate card with history (PRODUCT.md §2.1, §2.2, §2.7;
dashboard-api.md "Prices")."""

from rintik.db import ratecard as db_ratecard
from rintik import exception
from rintik.rating import prices
from rintik.rating import unpriced
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import D
from rintik.tests.unit.rating.helpers import RatingTestCase


class RateCardHistoryTest(RatingTestCase):
    """One instance of flavor m1 runs 10 Jan 00:00 -> 20 Jan 00:00 (240 h)
    in a billing window open since 1 Jan; January is closed on 1 Feb."""

    def setUp(self):
        super().setUp()
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 20))

    def january(self):
        self.rollover(cron(2))
        return self.invoice('p1', at(1))

    def test_first_version_reaches_back(self):
        # Effective from 15 Jan, but the first version prices everything:
        # 240 h x 0.50 = 120.00
        self.price('0.50', now=at(1, 15))
        invoice = self.january()
        self.assertEqual([('i1', at(1, 10), at(1, 20), D('120.00'))],
                         self.charges(invoice))
        self.assertEqual(D('120.00'), invoice.subtotal)

    def test_version_mid_month_splits_the_segment(self):
        # 10 Jan 00:00 -> 15 Jan 12:00 = 132 h x 0.50 = 66.00
        # 15 Jan 12:00 -> 20 Jan 00:00 = 108 h x 1.00 = 108.00
        first = self.price('0.50')
        second = self.price('1.00', effective_from=at(1, 15, 12))
        self.assertEqual(first, second)
        invoice = self.january()
        self.assertEqual([('i1', at(1, 10), at(1, 15, 12), D('66.00')),
                          ('i1', at(1, 15, 12), at(1, 20), D('108.00'))],
                         self.charges(invoice))
        self.assertEqual([D('0.5'), D('1')],
                         [line.hourly for line in self.lines(invoice)])
        self.assertEqual(D('174.00'), invoice.subtotal)

    def test_delete_makes_later_usage_unpriced(self):
        # 10 Jan -> 15 Jan = 120 h x 0.50 = 60.00; then unpriced (0.00)
        key_id = self.price('0.50')
        prices.end_price(self.context, 'flavor', key_id, at(1, 15))
        self.assertEqual(['m1'], [key.key for key, _version in
                                  prices.list_prices(
                                      self.context, 'flavor', at(1, 14))])
        self.assertEqual([], prices.list_prices(self.context, 'flavor',
                                                     at(1, 16)))
        self.assertRaises(exception.NotFound, prices.get_price,
                          self.context, 'flavor', key_id, at(1, 16))
        _key, versions = db_ratecard.key_with_versions(self.context, 'flavor',
                                                   key_id)
        self.assertEqual([False, True], [v.ended for v in versions])
        self.assertEqual(['i1'], [row.resource_id for row in
                                  unpriced.unpriced_usage(self.context,
                                                          at(1))])
        invoice = self.january()
        self.assertEqual([('i1', at(1, 10), at(1, 15), D('60.00')),
                          ('i1', at(1, 15), at(1, 20), D('0.00'))],
                         self.charges(invoice))
        self.assertEqual([False, True],
                         [line.unpriced for line in self.lines(invoice)])

    def test_recreating_a_deleted_key_adds_a_version_to_the_same_id(self):
        # 10 Jan -> 15 Jan = 120 h x 0.50 = 60.00
        # 15 Jan -> 18 Jan unpriced = 0.00
        # 18 Jan -> 20 Jan = 48 h x 0.25 = 12.00
        key_id = self.price('0.50')
        prices.end_price(self.context, 'flavor', key_id, at(1, 15))
        again = self.price('0.25', effective_from=at(1, 18), now=at(1, 18))
        self.assertEqual(key_id, again)
        _key, versions = db_ratecard.key_with_versions(self.context, 'flavor',
                                                   key_id)
        self.assertEqual([D('0.5'), None, D('0.25')],
                         [v.hourly for v in versions])
        [(key, version)] = prices.list_prices(self.context, 'flavor',
                                                   at(1, 19))
        self.assertEqual((key_id, D('0.25')), (key.id, version.hourly))
        self.assertEqual([('i1', at(1, 10), at(1, 15), D('60.00')),
                          ('i1', at(1, 15), at(1, 18), D('0.00')),
                          ('i1', at(1, 18), at(1, 20), D('12.00'))],
                         self.charges(self.january()))

    def test_creating_a_live_key_twice_is_a_duplicate(self):
        self.price('0.50')
        self.assertRaises(exception.Duplicate, prices.create, self.context,
                          'flavor', 'm1', '1', None, None, at(1, 2))

    def test_a_version_added_later_with_an_earlier_date(self):
        # The example: POST 0.025 on 1 Mar (no effective_from:
        # the moment of the POST), then PATCH 0.030 effective 15 Feb.
        # January is charged 0.025 (the first version reaches back),
        # 0.030 applies from 15 Feb on, also after 1 Mar.
        self.live('i2', at(1, 1), at(3, 11), project='p2')
        key_id = prices.create(self.context, 'flavor', 'm1', '0.025', None,
                               None, at(3, 1))
        prices.add_version(self.context, 'flavor', key_id, '0.030', None,
                           at(2, 15), at(3, 2))
        self.rollover(cron(4))
        # January 744 h x 0.025 = 18.60
        self.assertEqual([('i2', at(1), at(2), D('18.60'))],
                         self.charges(self.invoice('p2', at(1))))
        # 1 -> 15 Feb 336 h x 0.025 = 8.40; 15 -> 29 Feb 336 h x 0.030 =
        # 10.08 (one group: 8.40 + 10.08 = 18.48)
        self.assertEqual([('i2', at(2), at(2, 15), D('8.40')),
                          ('i2', at(2, 15), at(3), D('10.08'))],
                         self.charges(self.invoice('p2', at(2))))
        # 1 -> 11 Mar 240 h x 0.030 = 7.20
        self.assertEqual([('i2', at(3), at(3, 11), D('7.20'))],
                         self.charges(self.invoice('p2', at(3))))
        self.assertEqual(D('0.030'), prices.get_price(
            self.context, 'flavor', key_id, at(3, 5))[1].hourly)
        self.assertEqual(D('0.025'), prices.get_price(
            self.context, 'flavor', key_id, at(2, 14))[1].hourly)


class EffectiveFromFloorTest(RatingTestCase):
    """No version may take effect inside an issued period (any project);
    before anything is issued every effective_from is accepted."""

    def setUp(self):
        super().setUp()
        self.enable(at(1))

    def test_anything_goes_before_the_first_invoice_is_issued(self):
        self.price('0.50', kind='router', key=None, now=at(3, 10),
                   effective_from=at(2, 1))
        self.price('0.40', kind='router', key=None, now=at(3, 10),
                   effective_from=at(1, 1, year=2020))
        _key, versions = db_ratecard.key_with_versions(
            self.context, 'router', db_ratecard.find_key(
                self.context, 'router', '').id)
        self.assertEqual([at(2), at(1, 1, year=2020)],
                         [version.effective_from for version in versions])

    def test_the_floor_is_the_end_of_the_newest_issued_period(self):
        # p1 is issued to March (April open); p2 known since March only.
        self.live('i1', at(1, 10), project='p1')
        self.rollover(cron(4))
        self.live('i2', at(4, 2), project='p2')
        error = self.assertRaises(
            exception.Invalid, self.price, '1.00', now=at(4, 10),
            effective_from=at(3, 31, 23, 59, 59))
        self.assertEqual(
            'effective_from must not be before 2026-04-01T00:00:00.000000Z, '
            'the end of the newest issued invoice period.', str(error))
        self.assertEqual('effective_from', error.field)
        self.price('1.00', now=at(4, 10), effective_from=at(4))

    def test_a_catch_up_in_progress_raises_the_floor_per_period(self):
        # The cron opened January on 5 Jan and has not run since: on
        # 10 Feb nothing is issued yet, any moment is accepted.
        self.live('i1', at(1, 10))
        self.rollover(at(1, 5))
        self.price('0.50', effective_from=at(1, 20), now=at(2, 10))


class PriceValidationTest(RatingTestCase):

    INVALID = [
        # (kind, key, hourly, monthly)
        ('flavor', 'm1', '0.123456789', None),   # 9 decimals
        ('flavor', 'm1', '1E-9', None),
        ('flavor', 'm1', '-0.01', None),         # negative
        ('flavor', 'm1', '1', '-1'),             # negative monthly
        ('flavor', 'm1', '1', '0.000000001'),    # 9 decimals monthly
        ('flavor', 'm1', 'abc', None),
        ('flavor', 'm1', 'NaN', None),
        ('flavor', 'm1', 'Infinity', None),
        ('flavor', 'm1', 1.5, None),             # a binary float
        ('flavor', 'm1', True, None),
        ('flavor', 'm1', None, None),            # required
        ('flavor', 'm1', '1E+13', None),         # over 20 digits
        ('flavor', None, '1', None),             # flavor needs its id
        ('volume', '', '1', None),
        ('router', 'r', '1', None),              # single price: no key
        ('network', None, '1', None),            # unknown kind
    ]

    def test_invalid_prices_are_refused(self):
        for kind, key, hourly, monthly in self.INVALID:
            self.assertRaises(exception.Invalid, self.price, hourly, monthly,
                              kind=kind, key=key)
        self.assertEqual([], db_ratecard.all_versions(self.context))

    def test_valid_prices_keep_their_digits(self):
        cases = [
            # (kind, key, hourly, monthly, stored hourly, stored monthly)
            ('flavor', 'm1', '0.0125', '9', D('0.0125'), D('9')),
            ('volume', 'ssd', '0.12345678', None, D('0.12345678'), None),
            ('snapshot', None, '0.100000000', None, D('0.1'), None),
            ('image', None, 2, '0', D('2'), D('0')),
            ('floating_ip', None, D('0'), None, D('0'), None),
        ]
        for kind, key, hourly, monthly, stored, stored_monthly in cases:
            key_id = self.price(hourly, monthly, kind=kind, key=key)
            _key, version = prices.get_price(self.context, kind, key_id,
                                                  at(1, 2))
            self.assertEqual((stored, stored_monthly),
                             (version.hourly, version.monthly))
