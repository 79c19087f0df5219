"""The enginefacade every database function of Rintik runs in."""

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


def configure(conf):
    """Point the enginefacade at ``conf``'s [database] section."""
    main_context_manager.configure(**dict(conf.database.items()))


def get_engine():
    return main_context_manager.writer.get_engine()
