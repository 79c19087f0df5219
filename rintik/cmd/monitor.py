"""rintik-monitor: consume notifications and meter usage."""

import sys

from oslo_service import service

from rintik import conf
from rintik.db import engine
from rintik.db import readiness
from rintik.handlers import manager
from rintik.notification import service as monitor_service
from rintik.rating import refresher
from rintik import service as rintik_service

CONF = conf.CONF


def main():
    rintik_service.prepare_service(sys.argv)
    try:
        # Fail at start-up, before forking workers, on a misspelt handler.
        manager.HandlerSet(CONF)
    except RuntimeError as error:
        sys.stderr.write('%s\n' % error)
        return 1
    conf.messaging.apply_prefetch(CONF)
    engine.configure_or_exit(CONF)
    try:
        rintik_service.wait_for_database(CONF)
    except readiness.NotReady:
        return 1
    launcher = service.launch(
        CONF, rintik_service.WithTimers(
            rintik_service.StartWithBackoff(
                monitor_service.MonitorService(CONF)),
            refresher.PeriodicLiveRefresh(CONF)),
        workers=CONF.notification.workers, restart_method='mutate')
    launcher.wait()
