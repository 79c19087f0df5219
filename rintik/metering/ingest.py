"""The ingest transaction: decoded notifications in, their effect stored.

One call stores a batch of records in one transaction: records whose
message id has a stored observation are dropped (exactly once; the
unique constraint is the last word), the projects named are registered,
the observations are stored, and the intervals of every resource they
touch are brought up to date, with bounded work:

* observations that all come after the resource's stored tail (the
  usual, in-order case) resume the derivation from its running
  interval, the only one read and rewritten;
* a late observation re-derives the resource from the whole second it
  falls in: the intervals that run or end from there and the
  observations from there are read and replaced, whatever the length of
  the history before it;
* only a resource with no owner known before the late observation (its
  earlier usage takes its owner from later observations) is derived
  again from all of its observations.

The resources are locked (in id order) before their usage is read, so
concurrent workers take turns per resource; a lost race on a unique key
or a deadlock retries the whole batch. Every change of intervals is
recorded as a usage change for the projects it concerns, on the
database's clock, for the rollover and the live totals.
"""

import collections

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc

from rintik.common import clock
from rintik.db.engine import main_context_manager
from rintik.db import metering as db_metering
from rintik.metering import facts
from rintik.metering import intervals

# A decoded notification: its message id, event type, event time (aware
# UTC) and the facts its handler found in it.
Record = collections.namedtuple('Record', 'message_id event_type event_time '
                                          'facts')


def _retry_on_lost_race(error):
    return isinstance(error, db_exc.DBDuplicateEntry)


@oslo_db_api.wrap_db_retry(max_retries=10, retry_on_deadlock=True,
                           retry_interval=0.1, inc_retry_interval=True,
                           exception_checker=_retry_on_lost_race)
def store(context, records, quarantined, source='notification'):
    """Store ``records`` (Records, or tuples in that order) and the
    ``quarantined`` (envelope, reason) pairs in one transaction. Returns
    the number of records that were new (not seen before)."""
    with main_context_manager.writer.using(context) as session:
        records = _unseen(session, records)
        _register_projects(session, records)
        now = clock.utcnow()
        observed = _observations(records)
        if observed:
            _store_usage(session, observed, source, now)
        db_metering.store_quarantined(session, quarantined, now)
        return len(records)


def quarantine(context, quarantined):
    """Keep (envelope, reason) pairs in the quarantine, in a transaction
    of their own."""
    with main_context_manager.writer.using(context) as session:
        db_metering.store_quarantined(session, quarantined, clock.utcnow())


def _unseen(session, records):
    """The records whose message id has no stored observation yet (nor
    appears earlier in the same batch)."""
    seen = db_metering.stored_message_ids(
        session, set(record[0] for record in records))
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
    if known_since:
        db_metering.register_projects(session, known_since, retired)


def _observations(records):
    """{(resource_type, resource_id): [TimedObservation]} of the
    records' observations."""
    observed = collections.defaultdict(list)
    for message_id, event_type, event_time, record_facts in records:
        for fact in record_facts:
            if isinstance(fact, facts.Observation):
                observed[(fact.resource_type, fact.resource_id)].append(
                    intervals.TimedObservation(
                        event_time, message_id, fact.gone, fact.billable,
                        fact.project_id, fact.price_key, fact.quantity,
                        fact.name, event_type))
    return observed


def _store_usage(session, observed, source, received_at):
    """Store the observations (received at ``received_at``), then bring
    each resource's intervals and derivation state up to date."""
    for key in observed:
        observed[key].sort(key=intervals.sort_key)
    # A resource seen first now is stored with the owner and name of its
    # newest observation.
    rows, inserted = db_metering.lock_resources(session, {
        key: (new[-1].project_id, new[-1].name)
        for key, new in observed.items()})
    db_metering.insert_observations(session, [
        (rows[key].id, obs) for key, new in observed.items()
        for obs in new], source, received_at)
    in_order = {key for key in observed if key not in inserted and
                _follows_tail(rows[key], observed[key])}
    running = db_metering.running_intervals(
        session, [rows[key] for key in in_order])
    removed, added, changes, states = [], [], [], {}
    for key in sorted(observed, key=lambda key: rows[key].id):
        row, new = rows[key], observed[key]
        if key in inserted:
            update = _first(row, new)
        elif key in in_order:
            update = _resumed(row, new, running.get(row.id))
        else:
            update = _late(session, row, new)
        old, derived, seen = update
        # Intervals are disjoint: only those that differ are rewritten.
        before, after = set(interval for _id, interval in old), set(derived)
        removed.extend(interval_id for interval_id, interval in old
                       if interval not in after)
        added.extend((row.id, interval) for interval in derived
                     if interval not in before)
        change = intervals.first_change(
            [interval for _id, interval in old], derived)
        if change is not None:
            changed_from, projects = change
            changes.extend((project_id, row.id, changed_from)
                           for project_id in sorted(projects))
        state = _state(row, seen)
        if any(getattr(row, column) != value
               for column, value in state.items()):
            states[row] = state
    db_metering.replace_intervals(session, removed, added)
    db_metering.record_changes(session, changes)
    db_metering.store_states(session, states)


def _tail(row):
    if row.tail_event_time is None:
        return None
    return (row.tail_event_time, row.tail_gone, row.tail_message_id)


def _follows_tail(row, new):
    """Whether every new observation comes after the stored tail and the
    derivation can resume from the running interval: the owner carried
    to the tail is known (without one, earlier usage takes its owner
    from the first observation that names one)."""
    tail = _tail(row)
    return (tail is not None and intervals.sort_key(new[0]) > tail and
            (row.project_id is not None or
             not any(obs.project_id for obs in new)))


def _first(row, new):
    """(old intervals, new intervals, observations seen) of a resource
    stored for the first time."""
    return [], intervals.derive(row.resource_type, row.resource_id,
                                new), new


def _resumed(row, new, running):
    """The same for observations after the tail: resume from the running
    interval (if any), the owner and whether the resource is gone."""
    old = [running] if running is not None else []
    derivation = intervals.Derivation(
        row.resource_type, row.resource_id, project=row.project_id,
        gone=row.gone_at is not None,
        running=running[1] if running is not None else None)
    return old, intervals.resume(derivation, new), new


def _late(session, row, new):
    """The same for observations not all after the tail: re-derive from
    the whole second of the earliest (all of the history when no owner
    is known before it)."""
    moment = intervals.whole_second(new[0].event_time)
    seen = db_metering.observations_from(session, row.id, moment)
    if row.gone_at is not None and row.gone_at < moment:
        # Gone before: nothing from there on changes usage.
        return [], [], seen
    old = db_metering.intervals_from(session, row, moment)
    if old and old[0][1].start < moment:
        project = old[0][1].project_id
    else:
        project = db_metering.owner_before(session, row.id, moment)
    if project is None:
        old = db_metering.intervals_from(session, row)
        seen = db_metering.observations_from(session, row.id)
        return old, intervals.derive(row.resource_type, row.resource_id,
                                     seen), seen
    return old, intervals.rederive_from(
        row.resource_type, row.resource_id, moment,
        [interval for _id, interval in old], seen, project), seen


def _state(row, seen):
    """The resource row's values once ``seen`` (the observations just
    derived from, or more) are added: owner and name of the newest
    observation stating them, the newest observation as the tail, the
    first gone."""
    ordered = sorted(seen, key=intervals.sort_key)
    tail = _tail(row)
    newest = ordered[-1]
    if tail is not None and tail > intervals.sort_key(newest):
        tail_time, tail_gone, tail_message_id = tail
    else:
        tail_time, tail_gone, tail_message_id = intervals.sort_key(newest)
    gone_at = next((obs.event_time for obs in ordered if obs.gone), None)
    if row.gone_at is not None and (gone_at is None or row.gone_at < gone_at):
        gone_at = row.gone_at
    return {
        'project_id': next((obs.project_id for obs in reversed(ordered)
                            if obs.project_id), row.project_id),
        'name': next((obs.name for obs in reversed(ordered)
                      if obs.name is not None), row.name),
        'tail_event_time': tail_time,
        'tail_gone': tail_gone,
        'tail_message_id': tail_message_id,
        'gone_at': gone_at,
    }
