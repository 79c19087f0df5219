"""rintik-monitor: consume notifications and meter usage."""

import sys

from oslo_service import service

from rintik import conf
from rintik.db import engine
from rintik.notification import service as monitor_service
from rintik import service as rintik_service

CONF = conf.CONF


def main():
    rintik_service.prepare_service(sys.argv)
    conf.messaging.apply_prefetch(CONF)
    engine.configure(CONF)
    launcher = service.launch(
        CONF, monitor_service.MonitorService(CONF),
        workers=CONF.notification.workers, restart_method='mutate')
    launcher.wait()
