"""Storing observations and deriving usage intervals, batch by batch.

One call stores a whole batch of notifications in one transaction with
set-based statements: the batch's message ids are checked against the
observations already stored (the unique constraint is the last word), the
affected resources are locked in id order, and their intervals brought
up to date: the stored derivation resumed when the new observations come
after the resource's tail, everything re-derived for a late or reordered
one (rintik.metering.intervals). Concurrent workers serialise
on the resource rows; a lost race on a unique key or a deadlock retries
the whole batch.
"""

import hashlib
import re
import types

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_serialization import jsonutils
import sqlalchemy as sa

from rintik.common import clock as host_clock
from rintik.db import bulk
from rintik.db import clock
from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik.metering import facts
from rintik.metering import intervals

PROJECTS = models.Project.__table__
RESOURCES = models.Resource.__table__
OBSERVATIONS = models.Observation.__table__
INTERVALS = models.UsageInterval.__table__
QUARANTINE = models.QuarantinedMessage.__table__
CHANGES = models.UsageChange.__table__


def _retry_on_lost_race(error):
    return isinstance(error, db_exc.DBDuplicateEntry)


@oslo_db_api.wrap_db_retry(max_retries=10, retry_on_deadlock=True,
                           retry_interval=0.1, inc_retry_interval=True,
                           exception_checker=_retry_on_lost_race)
@main_context_manager.writer
def store_batch(context, records, quarantined, source='notification'):
    """Store processed notifications and re-derive the affected usage.

    ``records`` are (message_id, event_type, event_time, facts) tuples;
    ``quarantined`` are (envelope, reason) pairs. Returns the number of
    records that were new (not seen before).
    """
    session = context.session
    records = _unseen(session, records)
    now = host_clock.utcnow()
    _register_projects(session, records)
    resource_pks, inserted = _resources(session, records)
    rows = []
    for message_id, event_type, event_time, record_facts in records:
        for fact in record_facts:
            if isinstance(fact, facts.Observation):
                rows.append(_observation_row(
                    fact, message_id, event_type, event_time,
                    resource_pks[(fact.resource_type, fact.resource_id)],
                    source, now))
    if rows:
        session.execute(OBSERVATIONS.insert(), rows)
    new_observations = {}
    for row in rows:
        new_observations.setdefault(row['resource_pk'], []).append(
            types.SimpleNamespace(**row))
    _rederive(session, new_observations, inserted)
    _quarantine(session, quarantined, now)
    return len(records)


def _present(session, column, values):
    """The ``values`` that ``column`` holds already."""
    found = set()
    for chunk in bulk.chunks(values):
        found.update(session.execute(sa.select(column).where(
            column.in_(chunk))).scalars())
    return found


def _unseen(session, records):
    """The records whose message id has no stored observation yet (nor
    appears earlier in the same batch)."""
    seen = _present(session, OBSERVATIONS.c.message_id,
                    set(record[0] for record in records))
    unseen = []
    for record in records:
        if record[0] not in seen:
            seen.add(record[0])
            unseen.append(record)
    return unseen


def _register_projects(session, records):
    """Make every project named by the batch known, from the earliest
    event time it appears at; retire those Keystone deleted."""
    known_since = {}
    retired = {}
    for _message_id, _event_type, event_time, record_facts in records:
        for fact in record_facts:
            project_id = fact.project_id
            if not project_id:
                continue
            if project_id not in known_since or \
                    event_time < known_since[project_id]:
                known_since[project_id] = event_time
            if isinstance(fact, facts.ProjectEvent) and fact.retired:
                retired[project_id] = min(
                    event_time, retired.get(project_id, event_time))
    if not known_since:
        return
    existing = {}
    for chunk in bulk.chunks(known_since):
        existing.update((row.project_id, row) for row in session.execute(
            sa.select(PROJECTS.c.project_id, PROJECTS.c.known_since,
                      PROJECTS.c.retired_at).where(
                PROJECTS.c.project_id.in_(chunk))))
    new_rows = [{'project_id': project_id, 'known_since': since,
                 'retired_at': retired.get(project_id)}
                for project_id, since in sorted(known_since.items())
                if project_id not in existing]
    if new_rows:
        session.execute(PROJECTS.insert(), new_rows)
    # Concurrent workers: times only ever move earlier, and the condition
    # is checked in SQL, so no transaction overwrites an earlier time
    # another one committed. (A time not earlier than the one read cannot
    # be earlier than a later committed one: skip the statement.)
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


def _resources(session, records):
    """Primary keys of the batch's resources, and those of the resources
    it inserted (with the owner and name of their newest observation)."""
    newest = {}
    for message_id, _event_type, event_time, record_facts in records:
        for fact in record_facts:
            if isinstance(fact, facts.Observation):
                key = (fact.resource_type, fact.resource_id)
                order = (event_time, fact.gone, message_id)
                if key not in newest or newest[key][0] < order:
                    newest[key] = (order, fact)
    pks = {}
    for chunk in bulk.chunks(sorted(newest)):
        pks.update(_existing_resource_pks(session, chunk))
    missing = [{'resource_type': key[0], 'resource_id': key[1],
                'project_id': newest[key][1].project_id,
                'name': newest[key][1].name}
               for key in sorted(set(newest) - set(pks))]
    inserted = {}
    if missing:
        session.execute(RESOURCES.insert(), missing)
        for chunk in bulk.chunks(missing):
            inserted.update(_existing_resource_pks(
                session, [(row['resource_type'], row['resource_id'])
                          for row in chunk]))
    pks.update(inserted)
    return pks, set(inserted.values())


def _existing_resource_pks(session, keys):
    query = sa.select(RESOURCES.c.resource_type, RESOURCES.c.resource_id,
                      RESOURCES.c.id).where(
        sa.tuple_(RESOURCES.c.resource_type,
                  RESOURCES.c.resource_id).in_(keys))
    return {(row.resource_type, row.resource_id): row.id
            for row in session.execute(query)}


def _observation_row(fact, message_id, event_type, event_time, resource_pk,
                     source, now):
    return {
        'message_id': message_id,
        'resource_pk': resource_pk,
        'event_type': event_type,
        'event_time': event_time,
        'gone': fact.gone,
        'project_id': fact.project_id,
        'billable': fact.billable,
        'price_key': fact.price_key,
        'quantity': fact.quantity,
        'name': fact.name,
        'source': source,
        'received_at': now,
    }


class _Tail:
    """A resource's derivation state as stored on its row."""

    def __init__(self, row):
        self.row = row
        self.key = None
        if row.tail_event_time is not None:
            self.key = (row.tail_event_time, row.tail_gone,
                        row.tail_message_id)

    def follows(self, observations):
        """Whether every observation comes after the stored tail, so the
        derivation can resume from the stored intervals."""
        return self.key is not None and all(
            intervals.sort_key(obs) > self.key for obs in observations)


def _rederive(session, new_observations, inserted):
    """Lock the batch's resources (in id order), extend or re-derive their
    intervals and rewrite those that changed.

    Observations that all come after a resource's stored tail (the usual,
    in-order case) resume the stored derivation; anything else (a late or
    reordered notification) re-derives from the whole history.
    """
    for chunk in bulk.chunks(sorted(new_observations)):
        locked = session.execute(sa.select(RESOURCES).where(
            RESOURCES.c.id.in_(chunk)).order_by(
            RESOURCES.c.id).with_for_update()).all()
        stored = _intervals_by_resource(session, chunk)
        tails = {row.id: _Tail(row) for row in locked}
        full = [pk for pk in chunk if pk not in inserted and
                not tails[pk].follows(new_observations[pk])]
        history = _observations_by_resource(session, full) if full else {}
        # A resource first seen in this batch has no other history.
        history.update((pk, new_observations[pk]) for pk in chunk
                       if pk in inserted)
        changed, new_rows, change_rows, states = [], [], [], {}
        for pk in chunk:
            if pk in history:
                observed = history[pk]
                derived = intervals.derive(observed)
            else:
                observed = new_observations[pk]
                derived = intervals.resume(_resumed(tails[pk], stored.get(
                    pk, [])), observed)
            states[pk] = _state(tails[pk], observed, pk in history)
            if derived != stored.get(pk, []):
                changed.append(pk)
                change_rows.extend(_change_rows(pk, stored.get(pk, []),
                                                derived))
                new_rows.extend(dict(vars(interval), resource_pk=pk)
                                for interval in derived)
        if changed:
            session.execute(INTERVALS.delete().where(
                INTERVALS.c.resource_pk.in_(changed)))
        if change_rows:
            # Recorded by this transaction, on the database's clock: the
            # rollover adjusts issued periods from these rows.
            session.execute(CHANGES.insert().values(
                recorded_at=clock.utcnow()), change_rows)
        if new_rows:
            session.execute(INTERVALS.insert(), new_rows)
        _store_states(session, tails, states)


def _change_rows(resource_pk, old, new):
    changed_from, projects = intervals.first_change(old, new)
    return [{'project_id': project_id, 'resource_pk': resource_pk,
             'changed_from': changed_from} for project_id in sorted(projects)]


STATE_COLUMNS = ('project_id', 'name', 'tail_event_time', 'tail_gone',
                 'tail_message_id', 'gone_at')


def _resumed(tail, stored):
    return intervals.Derivation(stored, project=tail.row.project_id,
                                gone=tail.row.gone_at is not None)


def _state(tail, observed, complete):
    """The row values after deriving from ``observed`` (the complete
    history, or observations after the tail): owner and name from the
    newest observation stating them, the new tail, the first gone."""
    row = tail.row
    ordered = sorted(observed, key=intervals.sort_key)
    newest = ordered[-1]
    gone_at = None if complete else row.gone_at
    if gone_at is None:
        gone_at = next((obs.event_time for obs in ordered if obs.gone), None)
    return {
        'project_id': next((obs.project_id for obs in reversed(ordered)
                            if obs.project_id), row.project_id),
        'name': next((obs.name for obs in reversed(ordered)
                      if obs.name is not None), row.name),
        'tail_event_time': newest.event_time,
        'tail_gone': newest.gone,
        'tail_message_id': newest.message_id,
        'gone_at': gone_at,
    }


def _store_states(session, tails, states):
    """Write the changed row values, one statement per chunk (an
    executemany UPDATE costs a round trip per row)."""
    changed = {}
    for pk, values in states.items():
        row = tails[pk].row
        if any(getattr(row, column) != value
               for column, value in values.items()):
            changed[pk] = values
    for chunk in bulk.chunks(sorted(changed)):
        session.execute(RESOURCES.update().where(
            RESOURCES.c.id.in_(chunk)).values(**bulk.case_values(
                session, RESOURCES, {pk: changed[pk] for pk in chunk},
                STATE_COLUMNS)))


def _observations_by_resource(session, resource_pks):
    # A locking read sees every committed observation, whatever the
    # transaction's snapshot (MariaDB's REPEATABLE READ).
    query = sa.select(
        OBSERVATIONS.c.resource_pk, OBSERVATIONS.c.event_time,
        OBSERVATIONS.c.message_id, OBSERVATIONS.c.gone,
        OBSERVATIONS.c.billable, OBSERVATIONS.c.project_id,
        OBSERVATIONS.c.price_key, OBSERVATIONS.c.quantity,
        OBSERVATIONS.c.name).where(
        OBSERVATIONS.c.resource_pk.in_(resource_pks)).with_for_update()
    grouped = {}
    for row in session.execute(query):
        grouped.setdefault(row.resource_pk, []).append(row)
    return grouped


def _intervals_by_resource(session, resource_pks):
    query = sa.select(
        INTERVALS.c.resource_pk, INTERVALS.c.project_id,
        INTERVALS.c.price_key, INTERVALS.c.quantity, INTERVALS.c.start,
        INTERVALS.c.end).where(
        INTERVALS.c.resource_pk.in_(resource_pks)).order_by(
        INTERVALS.c.resource_pk, INTERVALS.c.start).with_for_update()
    grouped = {}
    for row in session.execute(query):
        grouped.setdefault(row.resource_pk, []).append(intervals.Interval(
            row.project_id, row.price_key, row.quantity, row.start, row.end))
    return grouped


@main_context_manager.writer
def quarantine(context, quarantined):
    """Keep (envelope, reason) pairs in the quarantine, in a transaction
    of their own."""
    _quarantine(context.session, quarantined, host_clock.utcnow())


def _quarantine(session, quarantined, now):
    if not quarantined:
        return
    rows = {}
    for envelope, reason in quarantined:
        row = _quarantine_row(envelope, reason, now)
        rows.setdefault(row['message_id'], row)
    present = _present(session, QUARANTINE.c.message_id, set(rows))
    new_rows = [row for key, row in rows.items() if key not in present]
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
        found.update(_existing_resource_pks(context.session, chunk))
    return found
