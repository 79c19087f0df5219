"""The rate card: price keys and their versions."""

import datetime

from oslo_db import exception as db_exc
import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik import exception

KEYS = models.PriceKey.__table__
VERSIONS = models.PriceVersion.__table__


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def _versions(session, key_ids):
    query = sa.select(VERSIONS).where(
        VERSIONS.c.price_key_id.in_(key_ids)).order_by(
        VERSIONS.c.price_key_id, VERSIONS.c.effective_from, VERSIONS.c.id)
    grouped = {}
    for row in session.execute(query):
        grouped.setdefault(row.price_key_id, []).append(row)
    return grouped


def in_force(versions, moment):
    """The version of one key in force at ``moment`` (the first version
    also reaches back before its ``effective_from``); None when ended."""
    current = versions[0]
    for version in versions:
        if version.effective_from <= moment:
            current = version
    return None if current.ended else current


@main_context_manager.reader
def list_prices(context, kind, now=None):
    """(key row, version in force) of every live key of ``kind``."""
    now = now or _utcnow()
    keys = context.session.execute(
        sa.select(KEYS).where(KEYS.c.kind == kind).order_by(KEYS.c.id)).all()
    versions = _versions(context.session, [key.id for key in keys])
    result = []
    for key in keys:
        version = in_force(versions[key.id], now)
        if version is not None:
            result.append((key, version))
    return result


@main_context_manager.reader
def get_price(context, kind, key_id, now=None):
    """(key row, version in force); NotFound for an unknown or ended key."""
    key = context.session.execute(sa.select(KEYS).where(
        KEYS.c.id == key_id, KEYS.c.kind == kind)).first()
    if key is None:
        raise exception.NotFound()
    version = in_force(_versions(context.session, [key.id])[key.id],
                       now or _utcnow())
    if version is None:
        raise exception.NotFound()
    return key, version


@main_context_manager.reader
def price_history(context, kind, key_id):
    """(key row, every version oldest first); NotFound if unknown."""
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
def create_price(context, kind, key, hourly, monthly, effective_from,
                 now=None):
    """Create a key with its first version, or give a deleted key a new
    version. A live key is a conflict (exception.Duplicate)."""
    now = now or _utcnow()
    session = context.session
    row = session.execute(sa.select(KEYS).where(
        KEYS.c.kind == kind, KEYS.c.key == key).with_for_update()).first()
    if row is None:
        try:
            with session.begin_nested():
                key_id = session.execute(KEYS.insert().values(
                    kind=kind, key=key, created_at=now,
                    updated_at=now)).inserted_primary_key[0]
        except db_exc.DBDuplicateEntry:
            raise exception.Duplicate()
    else:
        versions = _versions(session, [row.id])[row.id]
        if in_force(versions, now) is not None:
            raise exception.Duplicate()
        key_id = row.id
    _add_version(session, key_id, hourly, monthly, effective_from or now,
                 now)
    return key_id


@main_context_manager.writer
def add_version(context, kind, key_id, hourly, monthly, effective_from,
                now=None):
    """A new version of a live key (PUT/PATCH); NotFound otherwise."""
    now = now or _utcnow()
    get_price(context, kind, key_id, now)
    _add_version(context.session, key_id, hourly, monthly,
                 effective_from or now, now)


@main_context_manager.writer
def end_price(context, kind, key_id, now=None):
    """End a live key from now: usage after it is unpriced."""
    now = now or _utcnow()
    get_price(context, kind, key_id, now)
    context.session.execute(VERSIONS.insert().values(
        price_key_id=key_id, effective_from=now, hourly=None, monthly=None,
        ended=True, created_at=now))
    context.session.execute(KEYS.update().where(KEYS.c.id == key_id).values(
        updated_at=now))


def _add_version(session, key_id, hourly, monthly, effective_from, now):
    session.execute(VERSIONS.insert().values(
        price_key_id=key_id, effective_from=effective_from, hourly=hourly,
        monthly=monthly, ended=False, created_at=now))
    session.execute(KEYS.update().where(KEYS.c.id == key_id).values(
        updated_at=now))


@main_context_manager.reader
def all_versions(context, created_before=None):
    """Every version of every key: version rows with their kind and key;
    ``created_before`` keeps the rate card as it was at that moment."""
    query = sa.select(KEYS.c.kind, KEYS.c.key, VERSIONS).join(
        KEYS, KEYS.c.id == VERSIONS.c.price_key_id).order_by(
        VERSIONS.c.effective_from, VERSIONS.c.id)
    if created_before is not None:
        query = query.where(VERSIONS.c.created_at <= created_before)
    return context.session.execute(query).all()


@main_context_manager.writer
def delete_all(context):
    """Remove the whole rate card (reset_billing)."""
    context.session.execute(VERSIONS.delete())
    context.session.execute(KEYS.delete())
