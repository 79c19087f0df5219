"""Unpaid-invoice actions (PRODUCT.md §3.7): the [unpaid_invoice] steps
taken for every invoice unpaid for at least their number of days after
its period end.

Each step is taken at most once per invoice (recorded with what it did
to each resource, in the transaction that notifies the project); a
resource action that failed is retried at every run while the invoice
is unpaid; once it is paid, what the steps stopped, suspended or
shelved is started, resumed or unshelved with ``restore_on_payment``.
OpenStack is called first and the outcome recorded after, so a crash in
between repeats the calls at the next run (at least once)."""

import dataclasses
import datetime
import logging

from rintik.common import coordination
from rintik.common import openstack
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import unpaid as db_unpaid
from rintik import exception
from rintik.notify import centre
from rintik.notify import events

LOG = logging.getLogger(__name__)

LOCK = 'unpaid-actions'
SEND_MESSAGE = 'send_message'
DELETE_RESOURCES = 'delete_resources'
# Instance actions: the server call, the call that undoes it, and the
# server statuses it applies to.
INSTANCE_ACTIONS = {
    'stop_instances': ('stop_server', 'start_server', {'ACTIVE'}),
    'suspend_instances': ('suspend_server', 'resume_server', {'ACTIVE'}),
    'shelve_instances': ('shelve_server', 'unshelve_server',
                         {'ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'}),
}
ACTIONS = (SEND_MESSAGE,) + tuple(INSTANCE_ACTIONS) + (DELETE_RESOURCES,)


@dataclasses.dataclass(frozen=True)
class Step:
    days: int
    action: str
    message: str

    @property
    def key(self):
        return '%d:%s' % (self.days, self.action)


def parse_steps(lines):
    """Steps of [unpaid_invoice] step lines, by days; Invalid for a line
    that is not ``DAYS ACTION [MESSAGE]``."""
    steps = []
    for line in lines:
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].isdigit() or \
                parts[1] not in ACTIONS:
            raise exception.Invalid(
                '[unpaid_invoice] step %r is not "DAYS ACTION [MESSAGE]" '
                'with ACTION one of %s.' % (line, ', '.join(ACTIONS)))
        steps.append(Step(int(parts[0]), parts[1],
                          parts[2] if len(parts) > 2 else ''))
    if len({step.key for step in steps}) != len(steps):
        raise exception.Invalid('[unpaid_invoice] has a step twice.')
    return sorted(steps, key=lambda step: (step.days, step.action))


@dataclasses.dataclass
class Report:
    ran: bool = True
    lines: list = dataclasses.field(default_factory=list)
    failures: int = 0


def run(context, conf, now, dry_run, connect=openstack.connect):
    """Take every step due at ``now``, retry failed resource actions and
    restore what paid invoices' steps stopped. ``dry_run`` reports what
    would happen and calls nothing."""
    steps = parse_steps(conf.unpaid_invoice.step)
    with coordination.exclusive(conf, LOCK) as taken:
        if not taken:
            return Report(ran=False)
        return _Run(context, conf, now, dry_run, steps, connect).run()


class _Run:

    def __init__(self, context, conf, now, dry_run, steps, connect):
        self.context = context
        self.options = conf.unpaid_invoice
        self.now = now
        self.dry_run = dry_run
        self.steps = steps
        self.report = Report()
        self._connect = lambda: connect(conf)
        self._cloud = None

    @property
    def cloud(self):
        if self._cloud is None:
            self._cloud = self._connect()
        return self._cloud

    def say(self, text):
        self.report.lines.append(('would ' if self.dry_run else '') + text)

    def run(self):
        self._retry_failed()
        if self.steps:
            self._take_due_steps()
        if self.options.restore_on_payment:
            self._restore_paid()
        return self.report

    # Steps ---------------------------------------------------------------

    def _take_due_steps(self):
        first = datetime.timedelta(days=self.steps[0].days)
        invoices = db_unpaid.unpaid_invoices(self.context, self.now - first)
        taken = db_unpaid.taken_steps(self.context,
                                      [invoice.id for invoice in invoices])
        for invoice in invoices:
            for step in self.steps:
                due = invoice.period_end + datetime.timedelta(days=step.days)
                if due <= self.now and step.key not in taken.get(
                        invoice.id, ()):
                    self._take(invoice, step)

    def _take(self, invoice, step):
        where = 'invoice %d (project %s): %s' % (
            invoice.id, invoice.project_id, step.key)
        if step.action == DELETE_RESOURCES and not self.options.allow_delete:
            self.report.lines.append(
                '%s refused: [unpaid_invoice] allow_delete is false' % where)
            self.report.failures += 1
            return
        if self.dry_run:
            self.say('take %s' % where)
            return
        try:
            outcomes = self._act(step.action, invoice.project_id)
        except openstack.ERRORS as error:
            # Listing failed: nothing is recorded, the step runs again.
            self.report.lines.append('%s failed: %s' % (
                where, openstack.reason(error)))
            self.report.failures += 1
            return
        with main_context_manager.writer.using(self.context):
            db_unpaid.record_step(self.context, invoice.id, step.key,
                                  outcomes, self.now)
            centre.store(self.context, [events.unpaid_step(
                invoice, step, step.message,
                ['%s %s' % (kind, resource_id)
                 for kind, resource_id, status, _e in outcomes
                 if status == db_unpaid.DONE])], self.now)
        self.say('took %s' % where)
        for kind, resource_id, status, error in outcomes:
            self.report.lines.append('  %s %s: %s%s' % (
                kind, resource_id, status, ' (%s)' % error if error else ''))
            self.report.failures += status == db_unpaid.FAILED

    def _act(self, action, project_id):
        """(type, id, status, error) of each resource the action is
        applied to; a failed call is recorded, not raised."""
        if action == SEND_MESSAGE:
            return []
        if action == DELETE_RESOURCES:
            targets = openstack.resources_to_delete(self.cloud, project_id)
        else:
            statuses = INSTANCE_ACTIONS[action][2]
            targets = [('instance', server.id) for server in
                       openstack.servers(self.cloud, project_id)
                       if server.status in statuses]
        outcomes = []
        for kind, resource_id in targets:
            error = self._call(action, kind, resource_id, undo=False)
            outcomes.append((kind, resource_id, db_unpaid.FAILED if error
                             else db_unpaid.DONE, error))
        return outcomes

    def _call(self, action, kind, resource_id, undo):
        """Apply (or undo) an action to one resource; the failure's
        reason, or None."""
        try:
            if action == DELETE_RESOURCES:
                openstack.delete(self.cloud, kind, resource_id)
            else:
                method = INSTANCE_ACTIONS[action][1 if undo else 0]
                getattr(self.cloud.compute, method)(resource_id)
        except openstack.ERRORS as error:
            return openstack.reason(error)
        return None

    # Retries and restores -------------------------------------------------

    def _retry_failed(self):
        for row in db_unpaid.actions(self.context, [db_unpaid.FAILED]):
            if row.state == db_invoices.UNPAID and (
                    _action(row) != DELETE_RESOURCES or
                    self.options.allow_delete):
                self._again(row, undo=False)

    def _restore_paid(self):
        rows = db_unpaid.actions(self.context, [db_unpaid.DONE,
                                                db_unpaid.RESTORE_FAILED])
        rows = [row for row in rows if _action(row) in INSTANCE_ACTIONS]
        # A project with an unpaid invoice whose steps stopped something
        # stays stopped.
        held = {row.project_id for row in rows
                if row.state == db_invoices.UNPAID}
        for row in rows:
            if row.state == db_invoices.FINISHED and \
                    row.project_id not in held:
                self._again(row, undo=True)

    def _again(self, row, undo):
        verb = 'restore' if undo else 'retry'
        text = '%s %s %s of invoice %d (%s)' % (
            verb, row.resource_type, row.resource_id, row.invoice_id,
            row.step)
        if self.dry_run:
            self.say(text)
            return
        error = self._call(_action(row), row.resource_type, row.resource_id,
                           undo)
        if undo:
            status = db_unpaid.RESTORE_FAILED if error else \
                db_unpaid.RESTORED
        else:
            status = db_unpaid.FAILED if error else db_unpaid.DONE
        db_unpaid.update_action(self.context, row.id, status, error,
                                self.now)
        self.report.lines.append('%s: %s%s' % (
            text, status, ' (%s)' % error if error else ''))
        self.report.failures += error is not None


def _action(row):
    """The action of the step a resource action row belongs to."""
    return row.step.split(':', 1)[1]
