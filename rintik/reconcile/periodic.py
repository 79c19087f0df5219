"""The monitor's periodic reconciliation: a timer thread in each worker
wakes every ``[reconcile] interval`` seconds; the ``reconcile`` lock lets
one worker of one host run at a time, and a run that completed less than
half an interval ago (database clock) makes the others skip their turn:
one or two runs per interval, whatever the number of workers."""

import threading

from oslo_log import log as logging

from rintik.common import clock
from rintik import context as rintik_context
from rintik.reconcile import repair

LOG = logging.getLogger(__name__)


class PeriodicReconcile:

    def __init__(self, conf):
        self.conf = conf
        self.stopped = threading.Event()
        self.thread = None

    def start(self):
        """Start the timer unless ``[reconcile] interval`` is 0."""
        if self.conf.reconcile.interval <= 0:
            return
        self.stopped.clear()
        self.thread = threading.Thread(target=self._loop, daemon=True,
                                       name='rintik-reconcile')
        self.thread.start()

    def stop(self):
        """Stop the timer; a run in progress finishes first."""
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def _loop(self):
        while not self.stopped.wait(self.conf.reconcile.interval):
            self.run_once()

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
