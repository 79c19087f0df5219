"""Which database errors requeue a batch and which split it."""

from oslo_db import exception as db_exc
import psycopg2
import pymysql
from sqlalchemy import exc as sa_exc
import testscenarios

from rintik.notification import dberrors
from rintik.tests import base

load_tests = testscenarios.load_tests_apply_scenarios


def mysql(wrapper, code, message):
    """A PyMySQL error as SQLAlchemy wraps it."""
    error_class = {sa_exc.OperationalError: pymysql.err.OperationalError,
                   sa_exc.InternalError: pymysql.err.InternalError,
                   sa_exc.DataError: pymysql.err.DataError,
                   sa_exc.IntegrityError: pymysql.err.IntegrityError,
                   sa_exc.InterfaceError: pymysql.err.InterfaceError}
    return wrapper('INSERT ...', {}, error_class[wrapper](code, message))


def postgresql(wrapper, state, message):
    """A psycopg2 error with SQLSTATE ``state`` as SQLAlchemy wraps it
    (psycopg2 sets pgcode only on errors the server sent)."""
    base_class = {sa_exc.OperationalError: psycopg2.OperationalError,
                  sa_exc.DataError: psycopg2.DataError,
                  sa_exc.InterfaceError: psycopg2.InterfaceError}[wrapper]
    error_class = type('PgError', (base_class,), {'pgcode': state})
    return wrapper('INSERT ...', {}, error_class(message))


class TestIsTransient(base.TestCase):

    scenarios = [
        # oslo.db's own classification.
        ('connection', {'error': db_exc.DBConnectionError(),
                        'transient': True}),
        ('deadlock', {'error': db_exc.DBDeadlock(), 'transient': True}),
        ('duplicate', {'error': db_exc.DBDuplicateEntry(),
                       'transient': False}),
        # MySQL/MariaDB errors oslo.db leaves alone or wraps as DBError.
        ('mysql-lost-2013', {'error': mysql(
            sa_exc.OperationalError, 2013,
            'Lost connection to MySQL server during query'),
            'transient': True}),
        ('mysql-gone-2006', {'error': db_exc.DBError(mysql(
            sa_exc.OperationalError, 2006, 'MySQL server has gone away')),
            'transient': True}),
        ('mysql-refused-2003', {'error': mysql(
            sa_exc.OperationalError, 2003, "Can't connect to MySQL server"),
            'transient': True}),
        ('mariadb-killed-1927', {'error': mysql(
            sa_exc.InternalError, 1927, 'Connection was killed'),
            'transient': True}),
        ('mysql-lock-wait-1205', {'error': mysql(
            sa_exc.OperationalError, 1205, 'Lock wait timeout exceeded'),
            'transient': True}),
        ('mysql-shutdown-1053', {'error': mysql(
            sa_exc.OperationalError, 1053, 'Server shutdown in progress'),
            'transient': True}),
        ('pymysql-closed', {'error': db_exc.DBError(mysql(
            sa_exc.InterfaceError, 0, '')), 'transient': True}),
        ('mysql-collations-1267', {'error': mysql(
            sa_exc.OperationalError, 1267, 'Illegal mix of collations'),
            'transient': False}),
        ('mariadb-constraint-4025', {'error': mysql(
            sa_exc.OperationalError, 4025, 'CONSTRAINT failed'),
            'transient': False}),
        ('mysql-incorrect-value-1292', {'error': db_exc.DBDataError(mysql(
            sa_exc.OperationalError, 1292, 'Incorrect datetime value')),
            'transient': False}),
        ('mysql-string-value-1366', {'error': db_exc.DBDataError(mysql(
            sa_exc.InternalError, 1366, 'Incorrect string value')),
            'transient': False}),
        ('mysql-out-of-range-1264', {'error': db_exc.DBDataError(mysql(
            sa_exc.DataError, 1264, "Out of range value for column 'q'")),
            'transient': False}),
        # PostgreSQL.
        ('pg-server-closed', {'error': postgresql(
            sa_exc.OperationalError, None,
            'server closed the connection unexpectedly'),
            'transient': True}),
        ('pg-admin-shutdown', {'error': postgresql(
            sa_exc.OperationalError, '57P01',
            'terminating connection due to administrator command'),
            'transient': True}),
        ('pg-connection-failure', {'error': db_exc.DBError(postgresql(
            sa_exc.OperationalError, '08006', 'connection failure')),
            'transient': True}),
        ('pg-serialization', {'error': db_exc.DBError(postgresql(
            sa_exc.OperationalError, '40001', 'could not serialize')),
            'transient': True}),
        ('pg-out-of-range', {'error': db_exc.DBError(postgresql(
            sa_exc.DataError, '22003', 'numeric field overflow')),
            'transient': False}),
        # Anything else.
        ('value-error', {'error': ValueError('more than 30 decimal places'),
                         'transient': False}),
        ('db-error-without-cause', {'error': db_exc.DBError(),
                                    'transient': False}),
    ]

    def test_is_transient(self):
        self.assertIs(self.transient, dberrors.is_transient(self.error))


class TestDescribe(base.TestCase):

    def test_database_message_without_statement(self):
        error = db_exc.DBDataError(mysql(
            sa_exc.DataError, 1264,
            "Out of range value for column 'quantity' at row 1"))
        self.assertEqual(
            'DBDataError: (1264, "Out of range value for column '
            '\'quantity\' at row 1")', dberrors.describe(error))

    def test_first_line_only(self):
        self.assertEqual('RuntimeError: boom',
                         dberrors.describe(RuntimeError('boom\nSQL: x')))

    def test_no_message(self):
        self.assertEqual('DBDeadlock',
                         dberrors.describe(db_exc.DBDeadlock()))
