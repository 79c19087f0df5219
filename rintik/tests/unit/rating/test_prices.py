"""The rate card with history (PRODUCT.md §2.1, §2.2, §2.7;
dashboard-api.md "Prices")."""

from rintik.db import ratecard as db_ratecard
from rintik import exception
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
        db_ratecard.end_price(self.context, 'flavor', key_id, at(1, 15))
        self.assertEqual(['m1'], [key.key for key, _version in
                                  db_ratecard.list_prices(
                                      self.context, 'flavor', at(1, 14))])
        self.assertEqual([], db_ratecard.list_prices(self.context, 'flavor',
                                                     at(1, 16)))
        self.assertRaises(exception.NotFound, db_ratecard.get_price,
                          self.context, 'flavor', key_id, at(1, 16))
        _key, versions = db_ratecard.price_history(self.context, 'flavor',
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
        db_ratecard.end_price(self.context, 'flavor', key_id, at(1, 15))
        again = self.price('0.25', effective_from=at(1, 18), now=at(1, 18))
        self.assertEqual(key_id, again)
        _key, versions = db_ratecard.price_history(self.context, 'flavor',
                                                   key_id)
        self.assertEqual([D('0.5'), None, D('0.25')],
                         [v.hourly for v in versions])
        [(key, version)] = db_ratecard.list_prices(self.context, 'flavor',
                                                   at(1, 19))
        self.assertEqual((key_id, D('0.25')), (key.id, version.hourly))
        self.assertEqual([('i1', at(1, 10), at(1, 15), D('60.00')),
                          ('i1', at(1, 15), at(1, 18), D('0.00')),
                          ('i1', at(1, 18), at(1, 20), D('12.00'))],
                         self.charges(self.january()))

    def test_creating_a_live_key_twice_is_a_duplicate(self):
        self.price('0.50')
        self.assertRaises(exception.Duplicate, db_ratecard.create_price,
                          self.context, 'flavor', 'm1', D('1'), None, None,
                          at(1, 2))

    def test_effective_from_before_the_oldest_open_period(self):
        self.price('0.50')
        # January is closed, February open: February is the oldest open.
        self.january()
        self.assertRaises(exception.Invalid, self.price, '1.00',
                          effective_from=at(1, 31, 23, 59, 59),
                          now=at(2, 10))
        key_id = self.price('1.00', effective_from=at(2), now=at(2, 10))
        _key, versions = db_ratecard.price_history(self.context, 'flavor',
                                                   key_id)
        self.assertEqual([at(1), at(2)],
                         [version.effective_from for version in versions])

    def test_effective_from_in_a_missed_open_period_is_allowed(self):
        # The cron opened January on 5 Jan and has not run since: on
        # 10 Feb, January is still the oldest open period.
        self.rollover(at(1, 5))
        self.price('0.50', effective_from=at(1, 20), now=at(2, 10))

    def test_effective_from_without_invoices_is_bounded_by_now(self):
        self.assertRaises(exception.Invalid, self.price, '0.50',
                          kind='router', key=None, now=at(3, 10),
                          effective_from=at(2, 28, 23))
        self.price('0.50', kind='router', key=None, now=at(3, 10),
                   effective_from=at(3))


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
            _key, version = db_ratecard.get_price(self.context, kind, key_id,
                                                  at(1, 2))
            self.assertEqual((stored, stored_monthly),
                             (version.hourly, version.monthly))
