"""The ingest transaction re-derives usage with bounded work, and the
result is exactly the full derivation's (SQLite here; the functional
tests run the same scenarios on MariaDB and PostgreSQL)."""

import collections
import datetime
import decimal
import random
import re

import sqlalchemy as sa

from rintik.billing import usage
from rintik.db import engine as db_engine
from rintik.db import models
from rintik.metering import facts
from rintik.metering import ingest
from rintik.metering import intervals
from rintik.tests import base

UTC = datetime.timezone.utc
D = decimal.Decimal
START = datetime.datetime(2026, 3, 1, tzinfo=UTC)
INTERVALS = models.UsageIntervalRow.__table__
RESOURCES = models.Resource.__table__
CHANGES = models.UsageChange.__table__


def observation(index, when, size=1, gone=False, billable=True,
                project='p1', volume_type='t1', name=None):
    """One volume observation as a record and as the derivation sees it."""
    if gone:
        fact = facts.Observation('volume', 'v1', project, gone=True,
                                 name=name)
    else:
        fact = facts.Observation('volume', 'v1', project, billable=billable,
                                 price_key=volume_type, quantity=D(size),
                                 name=name)
    message_id = 'm%05d' % index
    record = ingest.Record(message_id, 'volume.exists', when, [fact])
    timed = intervals.TimedObservation(
        when, message_id, fact.gone, fact.billable, fact.project_id,
        fact.price_key, fact.quantity, fact.name)
    return record, timed


def derive(observations):
    """The intervals of the volume v1 from its observations."""
    return intervals.derive('volume', 'v1', observations)


def stored_intervals(session):
    """The stored intervals with their resource's type and id, in start
    order."""
    return [usage.UsageInterval(*row) for row in session.execute(sa.select(
        RESOURCES.c.resource_type, RESOURCES.c.resource_id,
        INTERVALS.c.project_id, INTERVALS.c.price_key, INTERVALS.c.quantity,
        INTERVALS.c.start, INTERVALS.c.end).join(
        RESOURCES, RESOURCES.c.id == INTERVALS.c.resource_pk).order_by(
        INTERVALS.c.start))]


def random_history(generator, length):
    """A long, varied history of one volume: size, type, billability and
    owner changes, many ties within a second, rarely a project-less
    observation, and at most one "gone" near the end."""
    history = []
    moment = START
    for index in range(length):
        moment += datetime.timedelta(seconds=generator.choice(
            [0, 0, 1, 7, 60, 3600]), microseconds=generator.randrange(
            0, 1000000, 250000))
        project = generator.choice(['p1'] * 8 + ['p2', None])
        if index == length - 3 and generator.random() < 0.5:
            history.append(observation(index, moment, gone=True,
                                       project=project))
            continue
        history.append(observation(
            index, moment, size=generator.choice([1, 1, 2, 3]),
            billable=generator.random() < 0.85, project=project,
            volume_type=generator.choice(['t1', 't1', 't2']),
            name=generator.choice([None, 'a', 'b'])))
    return history


class RowCounter:
    """Rows each ingest statement reads from or deletes in a table (the
    SELECT is run again on the same connection to count its rows)."""

    def __init__(self):
        self.read = collections.Counter()
        self.deleted = collections.Counter()
        self.statements = collections.Counter()

    def __call__(self, conn, cursor, statement, parameters, context,
                 executemany):
        verb = statement.split(None, 1)[0].upper()
        table = re.search(r'\bFROM (\w+)', statement)
        table = table.group(1) if table else None
        self.statements[verb] += 1
        if verb == 'SELECT' and table:
            again = cursor.connection.cursor()
            self.read[table] += len(again.execute(statement,
                                                  parameters).fetchall())
        elif verb == 'DELETE':
            self.deleted[table] += cursor.rowcount


class IngestScenarios:
    """Random histories stored in order, then late observations anywhere:
    after every batch the stored intervals, the resource's state and the
    recorded usage changes are exactly those of a full derivation."""

    LENGTH = 300
    BATCHES = 40

    def stored(self):
        with db_engine.main_context_manager.reader.using(self.context) as s:
            stored = stored_intervals(s)
            resource = s.execute(sa.select(RESOURCES)).one()
            changes = s.execute(sa.select(CHANGES).order_by(
                CHANGES.c.id)).all()
        return stored, resource, changes

    def check_batch(self, done, batch, expected_before):
        ingest.store(self.context, [record for record, _ in batch], [])
        done.extend(timed for _, timed in batch)
        expected = derive(done)
        stored, resource, changes = self.stored()
        self.assertEqual(expected, stored)
        ordered = sorted(done, key=intervals.sort_key)
        newest = ordered[-1]
        self.assertEqual(
            (newest.event_time, newest.gone, newest.message_id,
             next((o.event_time for o in ordered if o.gone), None),
             next((o.project_id for o in reversed(ordered)
                   if o.project_id), None),
             next((o.name for o in reversed(ordered)
                   if o.name is not None), None)),
            (resource.tail_event_time, resource.tail_gone,
             resource.tail_message_id, resource.gone_at,
             resource.project_id, resource.name))
        change = intervals.first_change(expected_before, expected)
        new_changes = [(c.project_id, c.changed_from) for c in changes
                       if c.id > self.last_change]
        if changes:
            self.last_change = changes[-1].id
        if change is None:
            self.assertEqual([], new_changes)
        else:
            changed_from, projects = change
            self.assertEqual([(project, changed_from)
                              for project in sorted(projects)], new_changes)
        return expected

    def run_scenario(self, seed):
        generator = random.Random(seed)
        history = random_history(generator, self.LENGTH)
        in_order, late = history[:self.LENGTH // 2], history[
            self.LENGTH // 2:]
        generator.shuffle(late)
        self.last_change = 0
        done, expected = [], []
        for index in range(0, len(in_order), 25):
            expected = self.check_batch(done, in_order[index:index + 25],
                                        expected)
        size = max(1, len(late) // self.BATCHES)
        for index in range(0, len(late), size):
            expected = self.check_batch(done, late[index:index + size],
                                        expected)


class TestIngestScenarios(IngestScenarios, base.DbTestCase):

    def test_seed_1(self):
        self.run_scenario(1)

    def test_seed_2(self):
        self.run_scenario(2)

    def test_seed_3(self):
        self.run_scenario(3)

    def test_seed_4(self):
        self.run_scenario(4)


class TestBoundedWork(base.DbTestCase):
    """A resource with 200 intervals: an in-order notification reads and
    rewrites only the running interval, a late one only what follows its
    second; neither reads the history before."""

    def setUp(self):
        super().setUp()
        self.history = [observation(index, START + datetime.timedelta(
            minutes=index), size=1 + index % 2) for index in range(200)]
        for index in range(0, 200, 50):
            ingest.store(self.context, [record for record, _ in
                                        self.history[index:index + 50]], [])
        self.assertEqual(200, len(self.stored()))

    def stored(self):
        with db_engine.main_context_manager.reader.using(self.context) as s:
            return stored_intervals(s)

    def counted(self, *records):
        counter = RowCounter()
        engine = db_engine.get_engine()
        before = len(self.stored())
        sa.event.listen(engine, 'after_cursor_execute', counter)
        try:
            ingest.store(self.context, list(records), [])
        finally:
            sa.event.remove(engine, 'after_cursor_execute', counter)
        return counter, len(self.stored()) - before

    def test_in_order_touches_only_the_running_interval(self):
        record, timed = observation(200, START + datetime.timedelta(
            minutes=200), size=5)
        counter, grown = self.counted(record)
        self.assertEqual(1, counter.read['usage_intervals'])
        self.assertEqual(0, counter.read['observations'])
        self.assertEqual(1, counter.deleted['usage_intervals'])
        # The running one closed (rewritten), the new one running.
        self.assertEqual(1, grown)
        self.assertEqual(derive(
            [t for _, t in self.history] + [timed]), self.stored())

    def test_in_order_without_change_writes_no_interval(self):
        record, _ = observation(200, START + datetime.timedelta(
            minutes=200), size=2)
        counter, grown = self.counted(record)
        self.assertEqual(1, counter.read['usage_intervals'])
        self.assertEqual(0, counter.deleted['usage_intervals'])
        self.assertEqual(0, grown)
        self.assertNotIn('DELETE', counter.statements)

    def test_late_reads_only_from_its_second_on(self):
        # Between the 196th and 197th minute: four intervals end or run
        # from there, four observations (three stored, the late one); the
        # one it splits is rewritten.
        record, timed = observation(
            999, START + datetime.timedelta(minutes=196, seconds=30), size=7)
        counter, grown = self.counted(record)
        self.assertEqual(4, counter.read['usage_intervals'])
        self.assertEqual(4, counter.read['observations'])
        self.assertEqual(1, counter.deleted['usage_intervals'])
        self.assertEqual(1, grown)
        self.assertEqual(derive(
            [t for _, t in self.history] + [timed]), self.stored())
