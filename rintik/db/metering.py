"""Persistence of metering: observations, resources, usage intervals,
usage changes and the quarantine.

Small statements the ingest transaction (rintik.metering.ingest) is made
of; what they mean for usage is decided there. Every read of a resource's
derivation state is a locking read, which sees every committed row
whatever the transaction's snapshot (MariaDB's REPEATABLE READ).
"""

import functools
import hashlib
import re

from oslo_serialization import jsonutils
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from rintik.billing import usage
from rintik.db import bulk
from rintik.db import clock
from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik.metering import intervals

PROJECTS = models.Project.__table__
RESOURCES = models.Resource.__table__
OBSERVATIONS = models.Observation.__table__
INTERVALS = models.UsageIntervalRow.__table__
QUARANTINE = models.QuarantinedMessage.__table__
CHANGES = models.UsageChange.__table__


def _listed(name):
    """An IN list bound at execution (``{name: [values]}``): a statement
    using it is built once, so neither it nor its cache key is rebuilt
    for every batch."""
    return sa.bindparam(name, expanding=True)


@functools.cache
def _presence_query(column):
    return sa.select(column).where(column.in_(_listed('values')))


def _present(session, column, values):
    """The ``values`` that ``column`` holds already."""
    found = set()
    for chunk in bulk.chunks(values):
        found.update(session.execute(_presence_query(column),
                                     {'values': chunk}).scalars())
    return found


def stored_message_ids(session, message_ids):
    """The ``message_ids`` that have a stored observation."""
    return _present(session, OBSERVATIONS.c.message_id, message_ids)


_PROJECT_TIMES = sa.select(
    PROJECTS.c.project_id, PROJECTS.c.known_since,
    PROJECTS.c.retired_at).where(
    PROJECTS.c.project_id.in_(_listed('project_ids')))


def register_projects(session, known_since, retired):
    """Make every project of ``known_since`` ({project: earliest event
    time}) known from that time; ``retired`` ({project: time}) those
    Keystone deleted. Times only ever move earlier."""
    existing = {}
    for chunk in bulk.chunks(sorted(known_since)):
        existing.update((row.project_id, row) for row in session.execute(
            _PROJECT_TIMES, {'project_ids': chunk}))
    new_rows = [{'project_id': project_id, 'known_since': since,
                 'retired_at': retired.get(project_id)}
                for project_id, since in sorted(known_since.items())
                if project_id not in existing]
    if new_rows:
        session.execute(PROJECTS.insert(), new_rows)
    # Concurrent workers: the condition is checked in SQL, so no
    # transaction overwrites an earlier time another one committed. (A
    # time not earlier than the one read cannot be earlier than a later
    # committed one: skip the statement.)
    for project_id, row in sorted(existing.items()):
        if known_since[project_id] < row.known_since:
            session.execute(PROJECTS.update().where(
                PROJECTS.c.project_id == project_id,
                PROJECTS.c.known_since > known_since[project_id]).values(
                known_since=known_since[project_id]))
        at = retired.get(project_id)
        if at is not None and (row.retired_at is None or
                               at < row.retired_at):
            session.execute(PROJECTS.update().where(
                PROJECTS.c.project_id == project_id,
                sa.or_(PROJECTS.c.retired_at.is_(None),
                       PROJECTS.c.retired_at > at)).values(retired_at=at))


def lock_resources(session, owners):
    """Lock the resources of ``owners`` ({(resource_type, resource_id):
    (project_id, name)}), inserting those not stored yet with that owner
    and name. Returns their rows {key: row} (id, key, owner, name,
    derivation tail, gone_at) and the keys inserted.

    Rows are locked in id order, as every writer of metering locks them.
    """
    keys = sorted(owners)
    pks = {}
    for chunk in bulk.chunks(keys):
        pks.update(_resource_pks(session, chunk))
    missing = [key for key in keys if key not in pks]
    if missing:
        session.execute(RESOURCES.insert(), [
            {'resource_type': key[0], 'resource_id': key[1],
             'project_id': owners[key][0], 'name': owners[key][1]}
            for key in missing])
        for chunk in bulk.chunks(missing):
            pks.update(_resource_pks(session, chunk))
    rows = {}
    for chunk in bulk.chunks(sorted(pks.values())):
        rows.update(((row.resource_type, row.resource_id), row)
                    for row in session.execute(_LOCK_RESOURCES,
                                               {'ids': chunk}))
    return rows, set(missing)


_LOCK_RESOURCES = sa.select(RESOURCES).where(
    RESOURCES.c.id.in_(_listed('ids'))).order_by(
    RESOURCES.c.id).with_for_update()
_RESOURCE_PKS = sa.select(
    RESOURCES.c.resource_type, RESOURCES.c.resource_id, RESOURCES.c.id).where(
    sa.tuple_(RESOURCES.c.resource_type, RESOURCES.c.resource_id).in_(
        _listed('keys')))


def _resource_pks(session, keys):
    return {(row.resource_type, row.resource_id): row.id
            for row in session.execute(_RESOURCE_PKS, {'keys': keys})}


def insert_observations(session, observations, source, received_at):
    """Store ``observations`` [(resource_pk, TimedObservation)] from
    ``source``, received at ``received_at``."""
    if not observations:
        return
    # Only bound values in the rows: PyMySQL sends an executemany INSERT
    # as one multi-row statement only then.
    session.execute(OBSERVATIONS.insert(), [
        {'message_id': obs.message_id, 'resource_pk': resource_pk,
         'event_type': obs.event_type, 'event_time': obs.event_time,
         'gone': obs.gone, 'project_id': obs.project_id,
         'billable': obs.billable, 'price_key': obs.price_key,
         'quantity': obs.quantity, 'name': obs.name, 'source': source,
         'received_at': received_at}
        for resource_pk, obs in observations])


_INTERVAL_COLUMNS = (INTERVALS.c.id, INTERVALS.c.resource_pk,
                     INTERVALS.c.project_id, INTERVALS.c.price_key,
                     INTERVALS.c.quantity, INTERVALS.c.start, INTERVALS.c.end)


def _stored_interval(row, resource):
    """(id, UsageInterval) of a stored interval ``row`` of ``resource``
    (its resources row)."""
    return row.id, usage.UsageInterval(
        resource.resource_type, resource.resource_id, row.project_id,
        row.price_key, row.quantity, row.start, row.end)


def running_intervals(session, resources):
    """{resource_pk: (id, UsageInterval)} of the running intervals (no
    end) of ``resources`` (their resources rows): the only one a later
    observation can extend or close."""
    by_pk = {resource.id: resource for resource in resources}
    found = {}
    for chunk in bulk.chunks(sorted(by_pk)):
        for row in session.execute(sa.select(*_INTERVAL_COLUMNS).where(
                INTERVALS.c.resource_pk.in_(chunk),
                INTERVALS.c.end.is_(None)).with_for_update()):
            found[row.resource_pk] = _stored_interval(
                row, by_pk[row.resource_pk])
    return found


def intervals_from(session, resource, moment=None):
    """[(id, UsageInterval)] of one resource (its resources row), in start
    order: those that run or end at or after ``moment`` (all of them
    without a moment)."""
    query = sa.select(*_INTERVAL_COLUMNS).where(
        INTERVALS.c.resource_pk == resource.id)
    if moment is not None:
        query = query.where(sa.or_(INTERVALS.c.end.is_(None),
                                   INTERVALS.c.end >= moment))
    return [_stored_interval(row, resource) for row in session.execute(
        query.order_by(INTERVALS.c.start).with_for_update())]


_OBSERVATION_COLUMNS = (
    OBSERVATIONS.c.event_time, OBSERVATIONS.c.message_id,
    OBSERVATIONS.c.gone, OBSERVATIONS.c.billable, OBSERVATIONS.c.project_id,
    OBSERVATIONS.c.price_key, OBSERVATIONS.c.quantity, OBSERVATIONS.c.name)


def observations_from(session, resource_pk, moment=None):
    """[TimedObservation] of one resource at or after ``moment`` (all of
    them without a moment)."""
    query = sa.select(*_OBSERVATION_COLUMNS).where(
        OBSERVATIONS.c.resource_pk == resource_pk)
    if moment is not None:
        query = query.where(OBSERVATIONS.c.event_time >= moment)
    return [intervals.TimedObservation(*row)
            for row in session.execute(query.with_for_update())]


def owner_before(session, resource_pk, moment):
    """The project of the resource's newest observation before
    ``moment`` that names one, or None."""
    return session.execute(sa.select(OBSERVATIONS.c.project_id).where(
        OBSERVATIONS.c.resource_pk == resource_pk,
        OBSERVATIONS.c.event_time < moment,
        OBSERVATIONS.c.project_id.is_not(None)).order_by(
        OBSERVATIONS.c.event_time.desc(), OBSERVATIONS.c.gone.desc(),
        OBSERVATIONS.c.message_id.desc()).limit(1).with_for_update()
    ).scalar()


def replace_intervals(session, removed_ids, added):
    """Delete the intervals ``removed_ids`` and insert ``added``
    [(resource_pk, UsageInterval)]."""
    for chunk in bulk.chunks(sorted(removed_ids)):
        session.execute(INTERVALS.delete().where(INTERVALS.c.id.in_(chunk)))
    if added:
        session.execute(INTERVALS.insert(), [
            {'resource_pk': resource_pk, 'project_id': interval.project_id,
             'price_key': interval.price_key,
             'quantity': interval.quantity, 'start': interval.start,
             'end': interval.end}
            for resource_pk, interval in added])


def record_changes(session, changes):
    """Record usage changes [(project_id, resource_pk, changed_from)] at
    the database's clock, read once for them by this transaction (after
    it locked the resources): the rollover adjusts issued periods from
    these rows, and the live totals take them in (``live_applied``)."""
    if not changes:
        return
    recorded_at = session.execute(sa.select(clock.utcnow())).scalar()
    session.execute(CHANGES.insert(), [
        {'project_id': project_id, 'resource_pk': resource_pk,
         'changed_from': changed_from, 'recorded_at': recorded_at}
        for project_id, resource_pk, changed_from in changes])


STATE_COLUMNS = ('project_id', 'name', 'tail_event_time', 'tail_gone',
                 'tail_message_id', 'gone_at')
_UPSERTS = {'mysql': mysql.insert, 'postgresql': postgresql.insert,
            'sqlite': sqlite.insert}
_STATE_WRITES = {}


def _state_write(dialect):
    """One multi-row statement that sets the state columns of existing
    resource rows (an upsert on the primary key, which never inserts
    since the rows are locked), built once per dialect so that its
    compiled form is cached.

    On PostgreSQL it returns the ids: SQLAlchemy sends an ON CONFLICT
    upsert as one multi-row statement only with a RETURNING clause
    (without one, psycopg2 runs it once per row)."""
    if dialect not in _STATE_WRITES:
        insert = _UPSERTS[dialect](RESOURCES)
        if dialect == 'mysql':
            statement = insert.on_duplicate_key_update(
                {column: insert.inserted[column]
                 for column in STATE_COLUMNS})
        else:
            statement = insert.on_conflict_do_update(
                index_elements=[RESOURCES.c.id],
                set_={column: insert.excluded[column]
                      for column in STATE_COLUMNS})
        if dialect == 'postgresql':
            statement = statement.returning(RESOURCES.c.id)
        _STATE_WRITES[dialect] = statement
    return _STATE_WRITES[dialect]


def store_states(session, states):
    """Write the derivation states {row: {column: value}} of locked
    resource rows (only those given)."""
    if not states:
        return
    statement = _state_write(session.get_bind().dialect.name)
    session.execute(statement, [
        dict(values, id=row.id, resource_type=row.resource_type,
             resource_id=row.resource_id)
        for row, values in sorted(states.items(),
                                  key=lambda item: item[0].id)])


def store_quarantined(session, quarantined, now):
    """Keep (envelope, reason) pairs in the quarantine (once per message
    id)."""
    if not quarantined:
        return
    rows = {}
    for envelope, reason in quarantined:
        row = _quarantine_row(envelope, reason, now)
        rows.setdefault(row['message_id'], row)
    stored = _present(session, QUARANTINE.c.message_id, set(rows))
    new_rows = [row for key, row in rows.items() if key not in stored]
    if new_rows:
        session.execute(QUARANTINE.insert(), new_rows)


# The quarantine keeps any message whatever its characters, on any
# connection character set: its key and text columns are ASCII, and the
# envelope is ASCII JSON (lossless).
QUARANTINE_KEY_LENGTH = 255
_JSON_TOKEN = re.compile(r'\\u[0-9a-fA-F]{4}|\\.|.', re.DOTALL)


def quarantine_key(message_id):
    """The quarantine's key of ``message_id``: the id itself when it is
    printable ASCII that fits the column, else ``sha256:`` and the hex
    digest of its UTF-8 encoding."""
    if (len(message_id) <= QUARANTINE_KEY_LENGTH and message_id.isascii()
            and message_id.isprintable()):
        return message_id
    return 'sha256:' + hashlib.sha256(message_id.encode(
        'utf-8', 'surrogatepass')).hexdigest()


def _quarantine_row(envelope, reason, now):
    message_id = envelope['message_id']
    key = quarantine_key(message_id)
    return {
        'message_id': key,
        'full_message_id': (None if key == message_id else
                            jsonutils.dumps(message_id, ensure_ascii=True)),
        'event_type': _ascii(envelope.get('event_type'), 255),
        'publisher_id': _ascii(envelope.get('publisher_id'), 255),
        'priority': _ascii(envelope.get('priority'), 16),
        'reason': _ascii(reason),
        'envelope': jsonutils.dumps(envelope, ensure_ascii=True),
        'created_at': now,
    }


def _ascii(value, limit=None):
    """A string for an ASCII text column: as it is when it is printable
    ASCII, else with JSON escapes; cut to ``limit`` characters without
    splitting an escape. Anything but a string is None."""
    if not isinstance(value, str):
        return None
    if not (value.isascii() and value.isprintable()):
        value = jsonutils.dumps(value, ensure_ascii=True)[1:-1]
    if limit is None or len(value) <= limit:
        return value
    kept = 0
    for token in _JSON_TOKEN.finditer(value):
        if token.end() > limit:
            break
        kept = token.end()
    return value[:kept]


@main_context_manager.reader
def known_resources(context, keys):
    """The (resource_type, resource_id) pairs among ``keys`` that have
    observations."""
    found = set()
    for chunk in bulk.chunks(sorted(set(keys))):
        found.update(_resource_pks(context.session, chunk))
    return found
