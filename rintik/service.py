"""Process start-up shared by every Rintik command."""

import sys
import threading

from oslo_log import log
from oslo_service import service

from rintik import conf
from rintik.db import readiness
from rintik import version

CONF = conf.CONF
LOG = log.getLogger(__name__)


def prepare_service(argv, conf_object=CONF, **kwargs):
    """Register logging options, parse the command line and config files
    (project ``rintik``) and set up logging."""
    log.register_options(conf_object)
    log.set_defaults(default_log_levels=log.get_default_log_levels() + [
        'alembic=WARN', 'stevedore=INFO', 'cotyledon=INFO'])
    conf_object(argv[1:], project='rintik',
                version=version.version_info.version_string(), **kwargs)
    log.setup(conf_object, 'rintik')
    return conf_object


def wait_for_database(conf_object=CONF):
    """Wait (logged, with a back-off) while the database is unreachable;
    when it cannot serve (schema not at head, driver missing) say so in
    one line, on stderr and in the log file, and raise NotReady."""
    try:
        readiness.wait(conf_object)
    except readiness.NotReady as error:
        if conf_object.log_file:
            LOG.error('%s', error)
        sys.stderr.write('%s\n' % error)
        raise


class StartWithBackoff(service.ServiceBase):
    """Runs ``wrapped``; a ``start()`` that fails (a refused broker
    login, a broker down) is logged in one line and retried after 1, 2,
    4... up to ``max_delay`` seconds, instead of ending the worker
    process, which its parent would fork again as fast as it can."""

    def __init__(self, wrapped, first_delay=1, max_delay=60):
        self.wrapped = wrapped
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.stopping = threading.Event()
        self.started = False

    def start(self):
        delay = self.first_delay
        while not self.stopping.is_set():
            failure = self._try_start()
            if failure is None:
                self.started = True
                return
            LOG.error('%s could not start (%s); retrying in %d s',
                      type(self.wrapped).__name__, failure, delay)
            self.stopping.wait(delay)
            delay = min(delay * 2, self.max_delay)

    def _try_start(self):
        """None, or the start-up error on one line."""
        try:
            self.wrapped.start()
        except Exception as error:
            return '%s: %s' % (type(error).__name__,
                               ' '.join(str(error).split()))
        return None

    def wait(self):
        if self.started:
            self.wrapped.wait()
        else:
            self.stopping.wait()

    def stop(self, graceful=False):
        self.stopping.set()
        if self.started:
            self.wrapped.stop(graceful)

    def reset(self):
        self.wrapped.reset()


class WithTimers(service.ServiceBase):
    """Runs ``wrapped`` and, beside it in the same process, the timers
    (rintik.common.timer.PeriodicTimer): started before it, stopped after
    it."""

    def __init__(self, wrapped, *timers):
        self.wrapped = wrapped
        self.timers = timers

    def start(self):
        for timer in self.timers:
            timer.start()
        self.wrapped.start()

    def wait(self):
        self.wrapped.wait()

    def stop(self, graceful=False):
        self.wrapped.stop(graceful)
        for timer in self.timers:
            timer.stop()

    def reset(self):
        self.wrapped.reset()
