"""The rate card: price keys and their versions, in the order added."""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik import exception

KEYS = models.PriceKey.__table__
VERSIONS = models.PriceVersion.__table__


def _versions(session, key_ids):
    """{key id: its version rows, oldest added first}."""
    query = sa.select(VERSIONS).where(
        VERSIONS.c.price_key_id.in_(key_ids)).order_by(
        VERSIONS.c.price_key_id, VERSIONS.c.id)
    grouped = {key_id: [] for key_id in key_ids}
    for row in session.execute(query):
        grouped[row.price_key_id].append(row)
    return grouped


@main_context_manager.reader
def keys_with_versions(context, kind):
    """(key row, its versions) of every key of ``kind``."""
    keys = context.session.execute(
        sa.select(KEYS).where(KEYS.c.kind == kind).order_by(KEYS.c.id)).all()
    versions = _versions(context.session, [key.id for key in keys])
    return [(key, versions[key.id]) for key in keys]


@main_context_manager.reader
def key_with_versions(context, kind, key_id):
    """(key row, its versions); NotFound for an unknown key."""
    key = context.session.execute(sa.select(KEYS).where(
        KEYS.c.id == key_id, KEYS.c.kind == kind)).first()
    if key is None:
        raise exception.NotFound()
    return key, _versions(context.session, [key.id])[key.id]


@main_context_manager.reader
def latest_version(context, key_id):
    """(key row, the version added last) of a key."""
    key = context.session.execute(sa.select(KEYS).where(
        KEYS.c.id == key_id)).first()
    version = context.session.execute(sa.select(VERSIONS).where(
        VERSIONS.c.price_key_id == key_id).order_by(
        VERSIONS.c.id.desc()).limit(1)).first()
    return key, version


@main_context_manager.reader
def find_key(context, kind, key):
    """The key row of (kind, key), or None."""
    return context.session.execute(sa.select(KEYS).where(
        KEYS.c.kind == kind, KEYS.c.key == key)).first()


@main_context_manager.writer
def insert_key(context, kind, key, now):
    """A new key's id; Duplicate if (kind, key) exists."""
    try:
        with context.session.begin_nested():
            return context.session.execute(KEYS.insert().values(
                kind=kind, key=key, created_at=now,
                updated_at=now)).inserted_primary_key[0]
    except db_exc.DBDuplicateEntry:
        raise exception.Duplicate()


@main_context_manager.writer
def insert_version(context, key_id, hourly, monthly, effective_from, now,
                   ended=False):
    """Append a version to a key's log."""
    context.session.execute(VERSIONS.insert().values(
        price_key_id=key_id, effective_from=effective_from, hourly=hourly,
        monthly=monthly, ended=ended, created_at=now))
    context.session.execute(KEYS.update().where(KEYS.c.id == key_id).values(
        updated_at=now))


@main_context_manager.reader
def all_versions(context, revision=None):
    """Every version of every key (those with an id up to ``revision``):
    version rows with their kind and key, in the order added."""
    query = sa.select(KEYS.c.kind, KEYS.c.key, VERSIONS).join(
        KEYS, KEYS.c.id == VERSIONS.c.price_key_id).order_by(VERSIONS.c.id)
    if revision is not None:
        query = query.where(VERSIONS.c.id <= revision)
    return context.session.execute(query).all()


@main_context_manager.writer
def delete_all(context):
    """Remove the whole rate card (reset_billing)."""
    context.session.execute(VERSIONS.delete())
    context.session.execute(KEYS.delete())
