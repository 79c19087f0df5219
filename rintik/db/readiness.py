"""Whether the database can serve: its driver installed, its server
reachable, its schema at the head revision. Every failure is one line
that says what to do."""

import logging
import time

from oslo_db import exception as db_exc
import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import migration
from rintik import exception

LOG = logging.getLogger(__name__)

# The setup.cfg extra that installs the driver of each backend.
EXTRAS = {'mysql': ('mysql', 'mysql+pymysql'),
          'mariadb': ('mysql', 'mysql+pymysql'),
          'postgresql': ('postgresql', 'postgresql+psycopg2')}

SYNC = 'run `rintik-manage db sync`'


class NotReady(exception.RintikException):
    """The database cannot serve Rintik; the message says what to do."""


class Unreachable(NotReady):
    """The database server does not answer (it may come back)."""


def _url(conf):
    return sa.engine.make_url(conf.database.connection)


def _shown(url):
    return url.render_as_string(hide_password=True)


def _reason(error):
    """The driver's own message, on one line."""
    inner = getattr(error, 'inner_exception', None) or error
    text = str(getattr(inner, 'orig', None) or inner)
    return ' '.join(text.split('\n(Background')[0].split())


def _driver_missing(url, error):
    extra, scheme = EXTRAS.get(url.get_backend_name(), (None, None))
    if extra is None:
        return NotReady('The database driver of %s is not installed (%s)'
                        % (url.drivername, error))
    return NotReady(
        'The database driver of %s is not installed (%s): pip install '
        "'rintik[%s]' and use a %s:// URL" % (url.drivername, error, extra,
                                              scheme))


def current_revision(conf):
    """The schema's revision (None before the first ``db sync``); raises
    NotReady or Unreachable, one line each, when it cannot be read."""
    url = _url(conf)
    try:
        return migration.version()
    except ImportError as error:
        raise _driver_missing(url, error)
    except db_exc.DBNonExistentDatabase as error:
        raise NotReady('The database %s does not exist: %s; create it, '
                       'then %s' % (_shown(url), _reason(error), SYNC))
    except (db_exc.DBConnectionError, sa.exc.OperationalError) as error:
        raise Unreachable('The database %s cannot be reached: %s' % (
            _shown(url), _reason(error)))


def check(conf):
    """Raise NotReady unless the schema is at the head revision."""
    current = current_revision(conf)
    head = migration.head()
    if current != head:
        raise NotReady('The database schema is at revision %s, not at the '
                       'head %s: %s' % (current or 'none (empty)', head,
                                        SYNC))


def wait(conf, sleep=time.sleep, first_delay=1, max_delay=60):
    """``check()``, retried with a doubling back-off (logged) while the
    server is unreachable; NotReady for anything else."""
    delay = first_delay
    while True:
        try:
            return check(conf)
        except Unreachable as error:
            LOG.error('%s; retrying in %d s', error, delay)
            sleep(delay)
            delay = min(delay * 2, max_delay)


@main_context_manager.reader
def ping(context):
    """``SELECT 1``: raises when the database does not answer."""
    context.session.execute(sa.select(sa.literal(1))).scalar_one()
