"""invoice-rollover: close every period that has ended, open the next.

Idempotent and catching up: each (project, period) has one invoice (a
unique key), only in-progress invoices are closed, and a period is closed
from the usage and rate card as they are, whatever hour the job runs. A
lease makes a second host running it at the same time do nothing.
"""

import dataclasses
import datetime
import logging
import socket
import uuid

from rintik.billing import periods
from rintik.db import balances
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import leases
from rintik.db import notifications
from rintik.rating import invoicing
from rintik.rating import ratecard
from rintik.rating import settings

LOG = logging.getLogger(__name__)

LEASE = 'invoice-rollover'
LEASE_SECONDS = 3600
CHUNK = 500


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


@dataclasses.dataclass
class Summary:
    ran: bool = True
    issued: int = 0
    opened: int = 0
    unpriced_segments: int = 0


def run(context, conf, now):
    """Run the rollover for the moment ``now``; returns a Summary (with
    ``ran=False`` when another host holds the lease)."""
    holder = '%s:%s' % (socket.gethostname(), uuid.uuid4().hex)
    # The lease runs on the real clock, whatever moment ``now`` names.
    if not leases.acquire(context, LEASE, holder, _utcnow(), LEASE_SECONDS):
        LOG.info('Another invoice-rollover is running; nothing to do.')
        return Summary(ran=False)
    try:
        return _Rollover(context, conf, now).run()
    finally:
        leases.release(context, LEASE, holder)


def overlaps(windows, start, end):
    return any(window.start < end and (window.end is None or
                                       window.end > start)
               for window in windows)


class _Rollover:

    def __init__(self, context, conf, now):
        self.context = context
        self.now = now
        # The real moment of this run, whatever ``now`` pretends: usage
        # derived and prices created after it are what later re-rating
        # of the periods closed now compares against (PRODUCT.md §3.5),
        # and both are stamped with the real clock.
        self.issued_at = _utcnow()
        self.policy = invoicing.Policy.from_conf(conf)
        self.cutoff = now - datetime.timedelta(
            seconds=conf.billing.close_delay)
        self.summary = Summary()

    def run(self):
        self.windows = invoicing.windows_of(self.context)
        if not self.windows:
            return self.summary
        self.card = ratecard.RateCard.load(self.context, self.issued_at)
        values = settings.all_settings(self.context)
        self.tax_percent = values['invoice_tax']
        self.auto_deduct = values['invoice_auto_deduct_balance']
        current = periods.period_start(self.now, self.policy.timezone)
        self.until = periods.next_period_start(current, self.policy.timezone)
        projects = db_invoices.projects(self.context)
        for index in range(0, len(projects), CHUNK):
            with main_context_manager.writer.using(self.context):
                self._chunk(projects[index:index + CHUNK])
        if self.summary.unpriced_segments:
            notifications.add(
                self.context, None, 'Unpriced usage',
                'Usage without a price was charged 0',
                '<p>%d invoice segments issued by the rollover have no '
                'price. See <code>rintik-manage usage unpriced</code>.</p>'
                % self.summary.unpriced_segments, notifications.ADMIN,
                self.now)
        return self.summary

    def _needed_periods(self, project, running):
        begin = max(project.known_since, self.windows[0].start)
        until = self.until
        if project.retired_at is not None and not running:
            until = min(until, periods.next_period_start(
                periods.period_start(project.retired_at,
                                     self.policy.timezone),
                self.policy.timezone))
        return [(start, end) for start, end in periods.periods_between(
            begin, until, self.policy.timezone)
            if overlaps(self.windows, start, end)]

    def _chunk(self, projects):
        ids = [project.project_id for project in projects]
        existing = {}
        for invoice in db_invoices.invoices_of(self.context, ids):
            existing[(invoice.project_id, invoice.period_start)] = invoice
        running = self._projects_with_running_usage(projects)
        wanted = []
        to_close = {}
        for project in projects:
            for start, end in self._needed_periods(
                    project, project.project_id in running):
                invoice = existing.get((project.project_id, start))
                if invoice is None:
                    wanted.append((project.project_id, start, end))
                if end <= self.cutoff and (
                        invoice is None or
                        invoice.state == db_invoices.IN_PROGRESS):
                    to_close.setdefault(project.project_id, []).append(
                        (start, end))
        db_invoices.create_open_invoices(self.context, wanted, self.now)
        self.summary.opened += len(wanted)
        if to_close:
            self._close(to_close)

    def _projects_with_running_usage(self, projects):
        retired = [p.project_id for p in projects if p.retired_at]
        if not retired:
            return set()
        return {row.project_id for row in db_invoices.usage(
            self.context, retired, self.now, self.until) if row.end is None}

    def _close(self, to_close):
        ids = list(to_close)
        invoices = {}
        closed_before = {}
        for invoice in db_invoices.invoices_of(self.context, ids):
            invoices[(invoice.project_id, invoice.period_start)] = invoice
            if invoice.state != db_invoices.IN_PROGRESS:
                closed_before.setdefault(invoice.project_id, []).append(
                    invoice)
        start = min(p[0] for spans in to_close.values() for p in spans)
        end = max(p[1] for spans in to_close.values() for p in spans)
        usage = {}
        for row in db_invoices.usage(self.context, ids, start, end):
            usage.setdefault(row.project_id, []).append(row)
        issued, segment_rows = {}, []
        for project_id, spans in to_close.items():
            for position, (period_start, period_end) in enumerate(
                    sorted(spans)):
                invoice = invoices[(project_id, period_start)]
                rows = [row for row in usage.get(project_id, [])
                        if row.start < period_end and
                        (row.end is None or row.end > period_start)]
                charged, names = invoicing.rate(
                    rows, period_start, period_end, self.windows, self.card,
                    period_end, self.policy)
                lines = invoicing.lines_of(charged, names)
                if position == 0:
                    lines += invoicing.adjustment_lines(
                        self.context, project_id,
                        closed_before.get(project_id, []), self.windows,
                        self.policy)
                totals = invoicing.totals(lines, self.tax_percent,
                                          self.policy.currency)
                issued[invoice.id] = self._settle(project_id, invoice,
                                                  totals)
                segment_rows.extend(_segment_row(invoice.id, line)
                                    for line in lines)
                self.summary.unpriced_segments += sum(
                    1 for line in lines if line.unpriced)
        done = db_invoices.issue_invoices(self.context, issued, segment_rows,
                                          self.now, self.issued_at)
        self.summary.issued += len(done)

    def _settle(self, project_id, invoice, totals):
        """State and totals of a closing invoice; pays it from the balance
        when it may, credits a negative total."""
        values = {'subtotal': totals.subtotal, 'tax': totals.tax,
                  'total': totals.total, 'tax_percent': self.tax_percent,
                  'state': db_invoices.UNPAID, 'deducted': 0}
        if totals.total <= 0:
            values.update(state=db_invoices.FINISHED, finish_date=self.now)
            if totals.total < 0:
                balances.record(self.context, project_id, balances.TOP_UP,
                                -totals.total, 'Credit of invoice %d'
                                % invoice.id, self.now, invoice.id)
        elif self.auto_deduct and balances.amount(
                self.context, project_id) >= totals.total:
            balances.record(self.context, project_id, balances.TOP_DOWN,
                            totals.total, 'Payment of invoice %d'
                            % invoice.id, self.now, invoice.id)
            values.update(state=db_invoices.FINISHED, finish_date=self.now,
                          deducted=totals.total)
        return values


def _segment_row(invoice_id, line):
    return {
        'invoice_id': invoice_id,
        'resource_type': line.resource_type,
        'resource_id': line.resource_id,
        'name': line.name,
        'price_key': line.price_key,
        'quantity': line.quantity,
        'start': line.start,
        'end': line.adjusted_end,
        'hourly': line.hourly,
        'monthly': line.monthly,
        'charge': line.charge,
        'unpriced': line.unpriced,
        'adjustment': line.adjustment,
        'adjusted_invoice_id': line.adjusted_invoice_id,
    }
