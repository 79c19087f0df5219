"""The monitor's periodic reconciliation: a timer thread in each worker
wakes every ``[reconcile] interval`` seconds; the ``reconcile`` lock lets
one worker of one host run at a time, and a run that completed less than
half an interval ago (database clock) makes the others skip their turn:
one or two runs per interval, whatever the number of workers."""

from oslo_log import log as logging

from rintik.common import clock
from rintik.common import timer
from rintik import context as rintik_context
from rintik.reconcile import repair

LOG = logging.getLogger(__name__)


class PeriodicReconcile(timer.PeriodicTimer):

    name = 'rintik-reconcile'

    def interval(self):
        return self.conf.reconcile.interval

    def run_once(self):
        """One reconciliation; any failure is logged and the timer goes
        on."""
        now = clock.utcnow()
        try:
            report = repair.run(rintik_context.get_admin_context(),
                                self.conf, now,
                                every=self.conf.reconcile.interval / 2)
        except Exception:
            LOG.exception('Periodic reconciliation failed.')
            return
        if not report.ran:
            LOG.debug('Another worker is reconciling; skipped.')
