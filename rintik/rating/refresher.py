"""The monitor's live totals refresh: a timer thread in each worker
brings the live totals (rintik.rating.overview.refresh) up to now every
``[live_totals] refresh_interval`` seconds; refreshes take turns on the
live state row, and one that finds nothing changed costs one query."""

from oslo_log import log as logging

from rintik.common import clock
from rintik.common import timer
from rintik import context as rintik_context
from rintik.rating import invoicing
from rintik.rating import overview

LOG = logging.getLogger(__name__)


class PeriodicLiveRefresh(timer.PeriodicTimer):

    name = 'rintik-live-totals'

    def interval(self):
        return self.conf.live_totals.refresh_interval

    def run_once(self):
        """One refresh; any failure is logged and the timer goes on."""
        now = clock.utcnow()
        try:
            done = overview.refresh(rintik_context.get_admin_context(),
                                    invoicing.Policy.from_conf(self.conf),
                                    now)
        except Exception:
            LOG.exception('Refreshing the live totals failed.')
            return
        if done == 'all':
            LOG.info('Live totals rebuilt (prices, windows or [billing] '
                     'options changed) in %.1f s.', (
                         clock.utcnow() - now).total_seconds())
