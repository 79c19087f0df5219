"""The enginefacade every database function of Rintik runs in."""

import sys

from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

main_context_manager = enginefacade.transaction_context()


def _serialise_sqlite_writers(engine):
    """On SQLite, start every transaction with BEGIN IMMEDIATE so that two
    processes never deadlock upgrading a read lock to a write lock; they
    wait (busy timeout) instead. Other backends are left untouched."""
    if engine.dialect.name != 'sqlite':
        return

    @sa.event.listens_for(engine, 'begin')
    def _begin(connection):
        connection.connection.dbapi_connection.isolation_level = None
        connection.exec_driver_sql('BEGIN IMMEDIATE')


main_context_manager.append_on_engine_create(_serialise_sqlite_writers)


MYSQL_BACKENDS = ('mysql', 'mariadb')
MYSQL_CHARSET = 'utf8mb4'
CONNECTION_OPTIONS = ('connection', 'slave_connection')


class UnsupportedConnection(ValueError):
    """A [database] connection Rintik refuses to use; the message is one
    line without the URL (it may hold a password)."""


def utf8mb4_url(option, connection):
    """``connection`` with ``charset=utf8mb4`` when it is a MariaDB/MySQL
    URL without a charset (oslo.db would choose utf8, that is utf8mb3,
    which cannot store every character); other URLs unchanged.

    Raises UnsupportedConnection for a MariaDB/MySQL URL with any other
    charset.
    """
    url = sa.engine.make_url(connection)
    if url.get_backend_name() not in MYSQL_BACKENDS:
        return connection
    charsets = url.query.get('charset')
    if charsets is None:
        return url.update_query_dict({'charset': MYSQL_CHARSET}).\
            render_as_string(hide_password=False)
    if isinstance(charsets, str):
        charsets = (charsets,)
    if any(charset.lower() != MYSQL_CHARSET for charset in charsets):
        raise UnsupportedConnection(
            '[database] %s: charset=%s is refused: MariaDB and MySQL need '
            'charset=%s to store every character; set it or leave charset '
            'out of the URL.' % (option, ','.join(charsets), MYSQL_CHARSET))
    return connection


def configure(conf):
    """Point the enginefacade at ``conf``'s [database] section (with
    utf8mb4_url applied). Raises UnsupportedConnection."""
    options = dict(conf.database.items())
    for option in CONNECTION_OPTIONS:
        if options.get(option):
            options[option] = utf8mb4_url(option, options[option])
    main_context_manager.configure(**options)


def configure_or_exit(conf):
    """configure() for a command's start-up: an unsupported connection
    ends the process with its one-line reason."""
    try:
        configure(conf)
    except UnsupportedConnection as error:
        sys.exit('%s' % error)


def get_engine():
    return main_context_manager.writer.get_engine()
