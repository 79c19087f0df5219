"""Which database errors are worth retrying, and how to name one.

Transient means the database is unreachable or the transaction lost a
lock race: oslo.db's DBConnectionError and DBDeadlock, and the lost
connections, lock timeouts and shutdowns that oslo.db passes through
unclassified. Everything else (a duplicate that survived ingest.store's
own retries, a value out of range, an illegal mix of collations, a
constraint) fails the same way every time.
"""

from oslo_db import exception as db_exc
from sqlalchemy import exc as sa_exc

# MySQL/MariaDB server and client error codes.
MYSQL_TRANSIENT = frozenset([
    1040,  # ER_CON_COUNT_ERROR: too many connections
    1053,  # ER_SERVER_SHUTDOWN
    1205,  # ER_LOCK_WAIT_TIMEOUT
    1213,  # ER_LOCK_DEADLOCK
    1927,  # ER_CONNECTION_KILLED (MariaDB)
    2002,  # CR_CONNECTION_ERROR (socket)
    2003,  # CR_CONN_HOST_ERROR (TCP)
    2006,  # CR_SERVER_GONE_ERROR
    2013,  # CR_SERVER_LOST
    2055,  # CR_SERVER_LOST_EXTENDED
    4031,  # ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
])
# PostgreSQL SQLSTATEs besides class 08 (connection exception).
POSTGRESQL_TRANSIENT = frozenset([
    '40001',  # serialization_failure
    '40P01',  # deadlock_detected
    '53300',  # too_many_connections
    '55P03',  # lock_not_available
    '57P01',  # admin_shutdown
    '57P02',  # crash_shutdown
    '57P03',  # cannot_connect_now
])


def is_transient(error):
    """Whether the database may well accept the same work again soon."""
    if isinstance(error, (db_exc.DBConnectionError, db_exc.DBDeadlock)):
        return True
    if isinstance(error, db_exc.DBError):
        error = error.inner_exception
    if isinstance(error, sa_exc.InterfaceError):
        return True  # the connection's state, not the data
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    return error.connection_invalidated or _driver_says_transient(error)


def _driver_says_transient(error):
    orig = error.orig
    args = getattr(orig, 'args', ())
    if args and type(args[0]) is int:
        # PyMySQL and mysqlclient: (error code, message).
        return args[0] in MYSQL_TRANSIENT
    if hasattr(orig, 'pgcode') or hasattr(orig, 'diag'):
        # psycopg2 or psycopg: the SQLSTATE, None when the client library
        # raised it because the connection failed.
        state = (getattr(orig, 'pgcode', None) or
                 getattr(orig, 'sqlstate', None))
        if state is None:
            return isinstance(error, sa_exc.OperationalError)
        return state.startswith('08') or state in POSTGRESQL_TRANSIENT
    return 'database is locked' in str(orig)  # SQLite


def describe(error, length=300):
    """``error`` in one line for a log or the quarantine's reason: its
    type and the database's own message (no statement, no parameters)."""
    detail = error
    if isinstance(error, db_exc.DBError):
        detail = error.inner_exception
        if detail is None:
            return type(error).__name__
    if isinstance(detail, sa_exc.StatementError) and \
            detail.orig is not None:
        detail = detail.orig
    lines = str(detail).strip().splitlines()
    if not lines:
        return type(error).__name__
    return '%s: %s' % (type(error).__name__, lines[0][:length])
