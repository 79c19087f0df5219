"""Property tests of the rating rules (hypothesis)."""

import datetime
from decimal import Decimal
import fractions

import hypothesis
from hypothesis import strategies as st
import testtools

from rintik.billing import charges
from rintik.billing import invoice
from rintik.billing import money
from rintik.billing import quantity
from rintik.billing import segments
from rintik.tests.unit.billing.helpers import ALWAYS
from rintik.tests.unit.billing.helpers import at
from rintik.tests.unit.billing.helpers import interval
from rintik.tests.unit.billing.helpers import JUNE
from rintik.tests.unit.billing.helpers import price
from rintik.tests.unit.billing.helpers import rate
from rintik.tests.unit.billing.helpers import total

SETTINGS = hypothesis.settings(max_examples=300, deadline=None)
JUNE_SECONDS = 30 * 86400

amounts_8dp = st.decimals(min_value=0, max_value=1000, places=8)
prices = st.builds(price, hourly=st.decimals(min_value=0, max_value=10,
                                             places=8),
                   monthly=st.none() | amounts_8dp)
quantities = (st.integers(0, 5000).map(Decimal)
              | st.integers(1, 2 ** 42).map(quantity.gib_from_bytes))
currencies = st.sampled_from(['USD', 'JPY', 'KWD'])
modes = st.sampled_from(sorted(charges.MONTHLY_PRICE_MODES))
units = st.sampled_from(sorted(charges.CHARGE_UNITS))


def june_moment(low=-5 * 86400, high=JUNE_SECONDS + 5 * 86400):
    return st.integers(low, high).map(
        lambda s: JUNE[0] + datetime.timedelta(seconds=s))


@st.composite
def versions(draw):
    """One key's price history: a first version and maybe later ones."""
    history = [draw(prices)]
    for since in draw(st.lists(june_moment(), max_size=3)):
        later = draw(prices)
        history.append(price(later.hourly, later.monthly, since=since,
                             ended=draw(st.booleans())))
    return history


@st.composite
def usage(draw):
    start = draw(june_moment())
    end = start + datetime.timedelta(seconds=draw(st.integers(2, 40 * 86400)))
    return interval(start, None if draw(st.booleans()) else end,
                    quantity=draw(quantities))


def round_half_up(value, currency):
    step = fractions.Fraction(1, 10 ** money.minor_unit(currency))
    units, rest = divmod(abs(value), step)
    units += 1 if 2 * rest >= step else 0
    signed = units if value >= 0 else -units
    return Decimal(signed) / 10 ** money.minor_unit(currency)


class SplittingTest(testtools.TestCase):

    @SETTINGS
    @hypothesis.given(usage(), versions(), st.data(), currencies, modes,
                      june_moment(0, JUNE_SECONDS + 86400), st.booleans())
    def test_splitting_never_changes_a_total(self, whole, history, data,
                                             currency, mode, now, by_window):
        end = whole.end or now
        hypothesis.assume(end - whole.start > datetime.timedelta(seconds=1))
        offset = data.draw(st.integers(
            1, (end - whole.start) // datetime.timedelta(seconds=1) - 1))
        cut = whole.start + datetime.timedelta(seconds=offset)
        if by_window:
            parts = [whole]
            windows = [segments.Window(at(2000, 1, 1), cut),
                       segments.Window(cut, None)]
        else:
            parts = [interval(whole.start, cut, quantity=whole.quantity),
                     interval(cut, whole.end, quantity=whole.quantity)]
            windows = ALWAYS
        options = dict(now=now, currency=currency, monthly_price_mode=mode)
        self.assertEqual(total(rate([whole], history, **options)),
                         total(rate(parts, history, windows=windows,
                                    **options)))


class GroupTotalTest(testtools.TestCase):

    @SETTINGS
    @hypothesis.given(usage(), prices, currencies, units)
    def test_group_total_is_the_rounded_capped_raw_total(
            self, whole, version, currency, unit):
        charged = rate([whole], [version], charge_unit=unit,
                       currency=currency)
        hypothesis.assume(charged)
        seconds = charged[0].seconds
        size = charges.CHARGE_UNITS[unit]
        raw = (fractions.Fraction(version.hourly)
               * fractions.Fraction(whole.quantity)
               * (-(-seconds // size) * size) / 3600)
        if version.monthly is not None:
            raw = min(raw, fractions.Fraction(version.monthly)
                      * fractions.Fraction(whole.quantity))
        self.assertEqual(round_half_up(raw, currency), total(charged))


class NonNegativeTest(testtools.TestCase):

    @SETTINGS
    @hypothesis.given(st.lists(usage(), max_size=4), versions(), currencies,
                      modes, units, june_moment(0, JUNE_SECONDS + 86400))
    def test_charges_are_never_negative(self, intervals, history, currency,
                                        mode, unit, now):
        charged = rate(intervals, history, now=now, currency=currency,
                       monthly_price_mode=mode, charge_unit=unit)
        step = Decimal(1).scaleb(-money.minor_unit(currency))
        for item in charged:
            self.assertGreaterEqual(item.charge, 0)
            self.assertEqual(item.charge, item.charge.quantize(step))


class InvoiceTotalsPropertyTest(testtools.TestCase):

    @SETTINGS
    @hypothesis.given(st.lists(usage(), max_size=4), versions(), currencies,
                      modes, st.decimals(min_value=0, max_value=30, places=2),
                      st.lists(st.integers(-10 ** 6, 10 ** 6), max_size=3))
    def test_totals_add_up(self, intervals, history, currency, mode,
                           tax_percent, credits):
        step = Decimal(1).scaleb(-money.minor_unit(currency))
        amounts = [c.charge for c in rate(intervals, history,
                                          currency=currency,
                                          monthly_price_mode=mode)]
        amounts += [n * step for n in credits]
        totals = invoice.invoice_totals(amounts, tax_percent, currency)
        self.assertEqual(sum(amounts), totals.subtotal)
        self.assertEqual(round_half_up(fractions.Fraction(totals.subtotal)
                                       * fractions.Fraction(tax_percent)
                                       / 100, currency), totals.tax)
        self.assertEqual(totals.subtotal + totals.tax, totals.total)
