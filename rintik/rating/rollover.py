"""invoice-rollover: close every period that has ended, open the next.

Idempotent and catching up: each (project, period) has one invoice (a
unique key), only in-progress invoices are closed, and a period is closed
from the usage and rate card as they are, whatever hour the job runs.
One run at a time, whatever the host (a coordination lock held for the
whole run); even two runs at once settle each invoice once, because an
invoice is closed, and its money moved, only in the transaction that
takes it out of progress.
"""

import dataclasses
import datetime
import logging

from oslo_db import api as oslo_db_api

from rintik.billing import periods
from rintik.common import coordination
from rintik.db import balances
from rintik.db import bulk
from rintik.db import changes as db_changes
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import notifications
from rintik.db import projects as db_projects
from rintik.db import rating_state
from rintik.db import usage as db_usage
from rintik.notify import centre
from rintik.notify import events
from rintik.rating import invoicing
from rintik.rating import ratecard
from rintik.rating import settings

LOG = logging.getLogger(__name__)

LOCK = 'invoice-rollover'
CHUNK = 500
# Who the ledger says moved money at a rollover.
CAUSED_BY = 'rollover'


@dataclasses.dataclass
class Summary:
    ran: bool = True
    issued: int = 0
    opened: int = 0
    unpriced_segments: int = 0


def run(context, conf, now):
    """Run the rollover for the moment ``now``; returns a Summary (with
    ``ran=False`` when another run holds the lock)."""
    with coordination.exclusive(conf, LOCK) as taken:
        if not taken:
            LOG.info('Another invoice-rollover is running; nothing to do.')
            return Summary(ran=False)
        summary = Rollover(context, conf, now).run()
        rating_state.rollover_completed(context)
        return summary


def open_current_invoices(context, conf, now):
    """Open the in-progress invoices of the period holding ``now`` that
    billing windows call for (enable_billing); closes nothing. Returns
    how many were opened."""
    rollover = Rollover(context, conf, now)
    with main_context_manager.writer.using(context):
        rollover.load_rating_state()
        if not rollover.windows:
            return 0
        current = periods.period_start(now, rollover.policy.timezone)
        projects = db_projects.projects(context)
        existing = {(invoice.project_id, invoice.period_start)
                    for invoice in db_invoices.invoices_of(
                        context, [project.project_id
                                  for project in projects])}
        wanted = [(project.project_id, start, end)
                  for project in projects if project.retired_at is None
                  for start, end in rollover.needed_periods(project, False,
                                                            None)
                  if start == current and
                  (project.project_id, start) not in existing]
        db_invoices.create_open_invoices(context, wanted, now)
    return len(wanted)


def overlaps(windows, start, end):
    return any(window.start < end and (window.end is None or
                                       window.end > start)
               for window in windows)


class Rollover:
    """One run: projects are handled in chunks, each in one transaction
    holding the rating state lock (so prices and windows cannot change
    under it)."""

    def __init__(self, context, conf, now):
        self.context = context
        self.now = now
        self.policy = invoicing.Policy.from_conf(conf)
        self.cutoff = now - datetime.timedelta(
            seconds=conf.billing.close_delay)
        current = periods.period_start(now, self.policy.timezone)
        self.until = periods.next_period_start(current, self.policy.timezone)
        self.summary = Summary()
        self.generation = None
        self.windows = []
        self.card = None
        # Rate cards by revision, for re-rating issued periods.
        self.cards = {}

    def load_rating_state(self):
        """Lock the rating state; reload windows and the rate card when
        they changed since this run last read them."""
        state = rating_state.lock(self.context.session)
        if state.generation != self.generation:
            self.windows = invoicing.windows_of(self.context)
            self.card = ratecard.RateCard.load(self.context)
            self.generation = state.generation

    def run(self):
        if not invoicing.windows_of(self.context):
            return self.summary
        values = settings.all_settings(self.context)
        self.tax_percent = values['invoice_tax']
        self.auto_deduct = values['invoice_auto_deduct_balance']
        projects = db_projects.projects(self.context)
        for chunk in bulk.chunks(projects, CHUNK):
            self._chunk(chunk)
        self._notify_admins()
        return self.summary

    def _notify_admins(self):
        """One summary each of unpriced segments and of notifications
        quarantined since the previous rollover."""
        notices = []
        if self.summary.unpriced_segments:
            notices.append(events.unpriced_usage(
                self.summary.unpriced_segments))
        quarantined = notifications.quarantined_since(
            self.context, rating_state.get(self.context).last_rollover_at)
        if quarantined:
            notices.append(events.quarantined(quarantined))
        if notices:
            with main_context_manager.writer.using(self.context):
                centre.store(self.context, notices, self.now)

    def needed_periods(self, project, running, pending_recorded):
        """(start, end) of the periods the project has an invoice for: from
        when it became known, in a billing window; a retired project's end
        with its retirement unless usage still runs, and when a change to
        one of its issued periods waits, it also gets the period that
        change was recorded in (PRODUCT.md §3.5)."""
        tz = self.policy.timezone
        begin = max(project.known_since, self.windows[0].start)
        until = self.until
        extra = None
        if project.retired_at is not None and not running:
            until = min(until, periods.next_period_start(
                periods.period_start(project.retired_at, tz), tz))
            if pending_recorded is not None:
                extra = self._recorded_period(*pending_recorded)
        needed = [(start, end) for start, end in periods.periods_between(
            begin, until, tz) if overlaps(self.windows, start, end)]
        if extra is not None and extra not in [p[0] for p in needed]:
            needed.append((extra, periods.next_period_start(extra, tz)))
        return needed

    def _recorded_period(self, recorded_at, issued_until):
        """Start of the period a retired project's change recorded at
        ``recorded_at`` is invoiced in, as ``invoicing.placed`` places it:
        its own, or the last one this run can close when it was recorded
        later; the first after the project's issued ones (``issued_until``)
        when it was recorded after ``now``."""
        if recorded_at >= self.now:
            return issued_until
        open_start = periods.period_start(self.cutoff, self.policy.timezone)
        if recorded_at >= open_start:
            recorded_at = open_start - datetime.timedelta(microseconds=1)
        return periods.period_start(recorded_at, self.policy.timezone)

    @oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True,
                               retry_interval=0.5, inc_retry_interval=True)
    def _chunk(self, projects):
        done = Summary()
        with main_context_manager.writer.using(self.context):
            self.load_rating_state()
            if self.windows:
                self._open_and_close(projects, done)
        # Counted once committed (a deadlock retries the whole chunk).
        self.summary.opened += done.opened
        self.summary.issued += done.issued
        self.summary.unpriced_segments += done.unpriced_segments

    def _open_and_close(self, projects, done):
        ids = [project.project_id for project in projects]
        # Changes are read before usage: a change committed in between is
        # in the usage read and stays recorded, so it is re-rated again
        # (to a zero adjustment), never lost.
        changes = {}
        for change in db_changes.pending(self.context, ids):
            changes.setdefault(change.project_id, []).append(change)
        existing = {}
        for invoice in db_invoices.invoices_of(self.context, ids):
            existing.setdefault(invoice.project_id, {})[
                invoice.period_start] = invoice
        running = self._projects_with_running_usage(projects)
        wanted = []
        to_close = {}
        for project in projects:
            project_id = project.project_id
            invoices = existing.get(project_id, {})
            pending = _pending_recorded(invoices.values(),
                                        changes.get(project_id, []))
            for start, end in self.needed_periods(
                    project, project_id in running, pending):
                invoice = invoices.get(start)
                if invoice is None:
                    wanted.append((project_id, start, end))
                if end <= self.cutoff and (
                        invoice is None or
                        invoice.state == db_invoices.IN_PROGRESS):
                    to_close.setdefault(project_id, []).append(start)
        db_invoices.create_open_invoices(self.context, wanted, self.now)
        done.opened += len(wanted)
        if to_close:
            self._close(to_close, changes, done)

    def _projects_with_running_usage(self, projects):
        retired = [p.project_id for p in projects if p.retired_at]
        if not retired:
            return set()
        return {interval.project_id for interval, _name in
                db_usage.project_usage(self.context, retired, self.now,
                                       self.until)
                if interval.end is None}

    def _close(self, to_close, changes, done):
        by_project = {}
        for invoice in db_invoices.invoices_of(self.context, list(to_close)):
            by_project.setdefault(invoice.project_id, []).append(invoice)
        closing_ids = [invoice.id for project_id, starts in to_close.items()
                       for invoice in by_project[project_id]
                       if invoice.period_start in starts]
        locked = db_invoices.lock_in_progress(self.context, closing_ids)
        closing = {project_id: [invoice for invoice in invoices
                                if invoice.id in locked]
                   for project_id, invoices in by_project.items()}
        closing = {project_id: invoices
                   for project_id, invoices in closing.items() if invoices}
        if not closing:
            return
        start = min(i.period_start for invoices in closing.values()
                    for i in invoices)
        end = max(i.period_end for invoices in closing.values()
                  for i in invoices)
        usage = {}
        for interval, name in db_usage.project_usage(
                self.context, list(closing), start, end):
            usage.setdefault(interval.project_id, []).append((interval, name))
        adjustments = invoicing.adjustments_of(
            self.context, {project_id: by_project[project_id]
                           for project_id in closing},
            {project_id: changes[project_id] for project_id in closing
             if project_id in changes}, self.windows, self.policy,
            self.cards)
        closed = []
        consumed = []
        for project_id, invoices in sorted(closing.items()):
            placed = invoicing.placed(adjustments.get(project_id, []),
                                      invoices, self.now)
            consumed.extend(change.id
                            for change in changes.get(project_id, []))
            for invoice in invoices:
                lines = self._lines(invoice, usage.get(project_id, []))
                lines += placed[invoice.id]
                closed.append((project_id, invoice, lines, invoicing.totals(
                    lines, self.tax_percent, self.policy.currency)))
        issued = self._settle(closed)
        segment_rows, notices = [], []
        for project_id, invoice, lines, totals in closed:
            notices.extend(self._notices(project_id, invoice, lines, totals,
                                         issued[invoice.id]))
            segment_rows.extend(invoicing.segment_row(invoice.id, line)
                                for line in lines)
            done.unpriced_segments += sum(1 for line in lines
                                          if line.unpriced)
        db_invoices.issue_invoices(self.context, issued, segment_rows,
                                   self.now)
        db_changes.consume(self.context, consumed)
        centre.store(self.context, notices, self.now)
        rating_state.issued(self.context.session, end)
        done.issued += len(issued)

    def _lines(self, invoice, named_usage):
        return invoicing.rate(
            named_usage, invoice.period_start, invoice.period_end,
            self.windows, self.card, invoice.period_end, self.policy)

    def _notices(self, project_id, invoice, lines, totals, settled):
        """The project's notices of an invoice this run issues: issued,
        and paid when the balance paid it; none for an invoice without
        lines."""
        if not lines:
            return []
        currency = self.policy.currency
        notices = [events.invoice_issued(project_id, invoice, lines, totals,
                                         self.tax_percent, currency)]
        if settled['deducted']:
            notices.append(events.invoice_paid(invoice, totals.total,
                                               settled['deducted'],
                                               currency))
        return notices

    def _settle(self, closed):
        """{invoice id: state, totals and rate card revision} of the
        invoices this transaction closes ``closed`` [(project id, invoice,
        lines, totals)], in order: each is paid from the balance when it
        may (auto-deduct, a balance that covers it as the earlier ones
        left it), a negative total is credited to it; the ledger and the
        balances are written in bulk."""
        amounts = {}
        if self.auto_deduct:
            amounts = balances.lock_amounts(
                self.context, [item[0] for item in closed])
        issued, moves = {}, []
        for project_id, invoice, _lines, totals in closed:
            values = {'subtotal': totals.subtotal, 'tax': totals.tax,
                      'total': totals.total,
                      'tax_percent': self.tax_percent,
                      'state': db_invoices.UNPAID, 'deducted': 0,
                      'ratecard_revision': self.card.revision}
            balance = amounts.get(project_id, 0)
            if totals.total <= 0:
                values.update(state=db_invoices.FINISHED,
                              finish_date=self.now)
                if totals.total < 0:
                    moves.append((project_id, balances.TOP_UP,
                                  -totals.total, 'Credit of invoice %d'
                                  % invoice.id, invoice.id))
                    amounts[project_id] = balance - totals.total
            elif self.auto_deduct and balance >= totals.total:
                moves.append((project_id, balances.TOP_DOWN, totals.total,
                              'Payment of invoice %d' % invoice.id,
                              invoice.id))
                amounts[project_id] = balance - totals.total
                values.update(state=db_invoices.FINISHED,
                              finish_date=self.now, deducted=totals.total)
            issued[invoice.id] = values
        balances.record_many(self.context, moves, self.now,
                             caused_by=CAUSED_BY)
        return issued


def _pending_recorded(invoices, changes):
    """(when the first change reaching an issued invoice was recorded, the
    end of the newest issued period), or None."""
    ends = [invoice.period_end for invoice in invoices
            if invoice.state != db_invoices.IN_PROGRESS]
    if not ends:
        return None
    reaching = [change.recorded_at for change in changes
                if change.changed_from < max(ends)]
    return (min(reaching), max(ends)) if reaching else None
