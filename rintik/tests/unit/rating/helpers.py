"""Builders shared by the rating unit tests: usage stored through the real
metering path (rintik.metering.ingest.store), prices set through
rintik.rating.prices, billing windows, rollovers and invoice lines."""

import datetime
import decimal
import itertools

import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import models
from rintik.db import projects as db_projects
from rintik.db import settings as db_settings
from rintik.metering import facts
from rintik.metering import ingest
from rintik.rating import invoicing
from rintik.rating import prices
from rintik.rating import rollover
from rintik.rating import settings
from rintik.tests import base

UTC = datetime.timezone.utc
D = decimal.Decimal


def at(month, day=1, hour=0, minute=0, second=0, year=2026):
    """A moment of 2026 (by default) in UTC."""
    return datetime.datetime(year, month, day, hour, minute, second,
                             tzinfo=UTC)


def cron(month, year=2026):
    """The hourly cron run just after the start of ``month``."""
    return at(month, 1, 0, 7, year=year)


class RatingTestCase(base.DbTestCase):
    """A database with helpers to meter, price, bill and read invoices."""

    def setUp(self):
        super().setUp()
        self._messages = itertools.count(1)

    @property
    def policy(self):
        return invoicing.Policy.from_conf(self.conf)

    # Metering -----------------------------------------------------------

    def observe(self, moment, resource_id, project='p1',
                resource_type='instance', price_key='m1', quantity=1,
                gone=False, billable=True, name=None, message_id=None):
        """Store one observation as the monitor does."""
        if gone:
            fact = facts.Observation(resource_type, resource_id, project,
                                     gone=True)
        else:
            fact = facts.Observation(
                resource_type, resource_id, project, billable=billable,
                price_key=price_key, quantity=D(quantity), name=name)
        self.store(moment, fact, message_id)

    def store(self, moment, fact, message_id=None):
        message_id = message_id or 'msg-%d' % next(self._messages)
        return ingest.store(
            self.context, [(message_id, 'test.event', moment, [fact])], [])

    def live(self, resource_id, start, end=None, **attributes):
        """A resource that exists from ``start`` (to ``end``: gone)."""
        self.observe(start, resource_id, **attributes)
        if end is not None:
            self.observe(end, resource_id, gone=True,
                         project=attributes.get('project', 'p1'),
                         resource_type=attributes.get('resource_type',
                                                      'instance'))

    def retire(self, moment, project):
        self.store(moment, facts.ProjectEvent(project, retired=True))

    # Rate card, settings, windows ---------------------------------------

    def price(self, hourly, monthly=None, kind='flavor', key='m1',
              effective_from=None, now=None):
        """Add a price version (as ``price set`` does); returns the key
        id."""
        return prices.set_price(self.context, kind, key, hourly, monthly,
                                effective_from, now or at(1))

    def setting(self, name, value):
        settings.set_setting(self.context, name, value)

    def enable(self, start=None):
        return db_settings.open_window(self.context, start or at(1))

    def rollover(self, now):
        """invoice-rollover --now ``now``. Usage changes are recorded at
        the real time of the test run (the database clock), later than
        every simulated run."""
        return rollover.run(self.context, self.conf, now)

    # Invoices -----------------------------------------------------------

    def invoices(self, project=None):
        """Invoices of a project (or all), by project then period."""
        if project is None:
            project = [row.project_id
                       for row in db_projects.projects(self.context)]
        else:
            project = [project]
        return db_invoices.invoices_of(self.context, project)

    def invoice(self, project, start):
        """The invoice of ``project`` whose period starts at ``start``."""
        found = [invoice for invoice in self.invoices(project)
                 if invoice.period_start == start]
        self.assertEqual(1, len(found), 'invoices of %s starting %s: %s'
                         % (project, start, self.invoices(project)))
        return found[0]

    def lines(self, invoice, now=None):
        """The invoice's lines (frozen ones once issued, live ones while
        in progress, rated at ``now``)."""
        lines, _ids = invoicing.invoice_lines(
            self.context, invoice, self.policy, now or invoice.period_end)
        return lines

    def charges(self, invoice, now=None):
        """(resource id, start, end charged to, charge) of each line."""
        return [(line.interval.resource_id, line.start, line.adjusted_end,
                 line.charge) for line in self.lines(invoice, now)]

    def totals(self, invoice):
        """(state, subtotal, tax, total) of an invoice."""
        return (invoice.state, invoice.subtotal, invoice.tax, invoice.total)

    def snapshot(self):
        """Every invoice with its totals and lines, without row ids
        (adjusted invoices named by project and period instead)."""
        by_id = {invoice.id: (invoice.project_id, invoice.period_start)
                 for invoice in self.invoices()}
        return [(invoice.project_id, invoice.period_start,
                 invoice.period_end, self.totals(invoice),
                 [(line.interval.resource_type, line.interval.resource_id,
                   line.interval.price_key, line.interval.quantity,
                   line.start, line.end, line.adjusted_end, line.hourly,
                   line.monthly, line.charge, line.unpriced,
                   line.adjustment, by_id.get(line.adjusted_invoice_id))
                  for line in self.lines(invoice)])
                for invoice in self.invoices()]

    def forget_invoices(self):
        """Delete every invoice, segment and balance (projects, usage,
        prices and windows stay)."""
        with main_context_manager.writer.using(self.context) as session:
            for model in (models.BalanceTransaction, models.Balance,
                          models.InvoiceSegment, models.Invoice,
                          models.Notification):
                session.execute(sa.delete(model))
