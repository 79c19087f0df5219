"""Schema migrations (alembic, upgrade-only)."""

import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script

from rintik import exception

from rintik.db import engine as db_engine

ALEMBIC_INI = os.path.join(os.path.dirname(__file__), 'alembic.ini')


def _config(connection):
    config = alembic_config.Config(ALEMBIC_INI)
    config.attributes['connection'] = connection
    return config


class UnknownRevision(exception.RintikException):
    """A revision that is not one of Rintik's migrations."""


def _scripts():
    return alembic_script.ScriptDirectory.from_config(
        alembic_config.Config(ALEMBIC_INI))


def head():
    """The newest revision: the one ``db sync`` migrates to."""
    return _scripts().get_current_head()


def _check_revision(revision):
    known = set(script.revision for script in _scripts().walk_revisions())
    if revision != 'head' and revision not in known:
        raise UnknownRevision('Unknown revision %s (the head is %s)' % (
            revision, head()))


def upgrade(revision='head', engine=None):
    """Migrate the database to ``revision`` (head by default); raises
    UnknownRevision, before touching the database, for a revision that
    is not Rintik's."""
    _check_revision(revision)
    engine = engine or db_engine.get_engine()
    if engine.dialect.name == 'sqlite':
        _use_wal(engine)
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def _use_wal(engine):
    """SQLite: write-ahead logging, so readers never block the writer
    (monitor and API on one host). The mode is kept in the file; it must
    be set outside a transaction."""
    raw = engine.raw_connection()
    try:
        raw.cursor().execute('PRAGMA journal_mode=WAL')
    finally:
        raw.close()


def version(engine=None):
    """The revision the database is at, or None before the first sync."""
    engine = engine or db_engine.get_engine()
    with engine.connect() as connection:
        return alembic_migration.MigrationContext.configure(
            connection).get_current_revision()
