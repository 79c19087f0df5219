import dataclasses
from decimal import Decimal

import testtools

from rintik.billing import charges
from rintik.billing import invoice
from rintik.tests.unit.billing.helpers import at
from rintik.tests.unit.billing.helpers import interval
from rintik.tests.unit.billing.helpers import price
from rintik.tests.unit.billing.helpers import rate

D = Decimal


class InvoiceTotalsTest(testtools.TestCase):

    def test_totals(self):
        # subtotal 0.53 + 12.00 + 0.01 = 12.54; tax 11 % = 1.3794 -> 1.38;
        # total 13.92
        self.assertEqual(
            invoice.InvoiceTotals(D('12.54'), D('1.38'), D('13.92')),
            invoice.invoice_totals([D('0.53'), D('12.00'), D('0.01')],
                                   D('11'), 'USD'))

    def test_tax_rounds_half_up(self):
        # 0.50 x 11 / 100 = 0.055 -> 0.06
        self.assertEqual(D('0.06'),
                         invoice.invoice_totals([D('0.50')], D('11'),
                                                'USD').tax)

    def test_jpy(self):
        # 105 x 10 % = 10.5 -> 11; total 116
        self.assertEqual(invoice.InvoiceTotals(D('105'), D('11'), D('116')),
                         invoice.invoice_totals([D('100'), D('5')], D('10'),
                                                'JPY'))

    def test_kwd(self):
        # 1.234 x 5 % = 0.0617 -> 0.062; total 1.296
        self.assertEqual(
            invoice.InvoiceTotals(D('1.234'), D('0.062'), D('1.296')),
            invoice.invoice_totals([D('1.234')], D('5'), 'KWD'))

    def test_empty_invoice(self):
        self.assertEqual(
            ['0.00', '0.00', '0.00'],
            [str(x) for x in
             dataclasses.astuple(
                 invoice.invoice_totals([], D('11'), 'USD'))])

    def test_credit(self):
        # adjustments may be negative: -0.50 x 11 % = -0.055 -> -0.06
        self.assertEqual(
            invoice.InvoiceTotals(D('-0.50'), D('-0.06'), D('-0.56')),
            invoice.invoice_totals([D('1.00'), D('-1.50')], D('11'), 'USD'))


class AdjustmentTest(testtools.TestCase):

    def test_adjustment_for_group(self):
        self.assertEqual(D('12.00'),
                         invoice.adjustment_for_group(D('50.40'), D('38.40')))
        self.assertEqual(D('-2.40'),
                         invoice.adjustment_for_group(D('57.60'), D('60.00')))

    def test_late_create_gives_a_positive_adjustment(self):
        # Billed at close: 15 Jun-1 Jul = 384 h x 0.10 = 38.40.
        # A late create.end shows it started 10 June: 504 h x 0.10 = 50.40.
        # Adjustment 50.40 - 38.40 = +12.00
        versions = [price('0.10')]
        billed = invoice.group_totals(
            rate([interval(at(2024, 6, 15))], versions))
        rerated = invoice.group_totals(
            rate([interval(at(2024, 6, 10))], versions))
        [(key, amount)] = invoice.adjustments(rerated, billed).items()
        self.assertEqual(D('12.00'), amount)
        self.assertEqual('vm-1', key.resource_id)

    def test_late_delete_gives_a_negative_adjustment(self):
        # Billed at close, running all June: 720 h x 0.10 = 72.00 capped
        # at 60.00. A late delete.end at 25 June: 576 h x 0.10 = 57.60.
        # Adjustment 57.60 - 60.00 = -2.40 (a credit)
        versions = [price('0.10', '60')]
        billed = invoice.group_totals(
            rate([interval(at(2024, 5, 1))], versions))
        rerated = invoice.group_totals(
            rate([interval(at(2024, 5, 1), at(2024, 6, 25))], versions))
        self.assertEqual([D('-2.40')],
                         list(invoice.adjustments(rerated, billed).values()))

    def test_group_only_on_one_side(self):
        # A resize learnt late: m1.small billed all June (72.00) is really
        # m1.small until 11 June (24.00) + m1.large after (480 h x 0.20 =
        # 96.00): adjustments -48.00 and +96.00; unchanged groups omitted.
        versions = [price('0.10'), price('0.20', key='m1.large')]
        other = interval(at(2024, 5, 1), resource_id='vm-2')
        billed = invoice.group_totals(
            rate([interval(at(2024, 5, 1)), other], versions))
        rerated = invoice.group_totals(rate(
            [interval(at(2024, 5, 1), at(2024, 6, 11)),
             interval(at(2024, 6, 11), price_key='m1.large'), other],
            versions))
        result = invoice.adjustments(rerated, billed)
        self.assertEqual(
            {('m1.small', D('-48.00')), ('m1.large', D('96.00'))},
            {(k.price_key, v) for k, v in result.items()})
        self.assertIsInstance(next(iter(result)), charges.GroupKey)
