"""Deriving usage intervals from one resource's observations."""

import dataclasses
import datetime
import decimal
import itertools

import hypothesis
from hypothesis import strategies as st

from rintik.billing import usage
from rintik.metering import intervals
from rintik.tests import base

UTC = datetime.timezone.utc
D = decimal.Decimal


def at(hour, minute=0, second=0, micro=0):
    return datetime.datetime(2026, 3, 1, hour, minute, second, micro,
                             tzinfo=UTC)


def exists(when, message_id, billable=True, project='p1', key='f1',
           quantity=D(1), name=None):
    return intervals.TimedObservation(when, message_id, False, billable,
                                      project, key, quantity, name)


def gone(when, message_id, project='p1'):
    return intervals.TimedObservation(when, message_id, True, False, project,
                                      None, None)


def interval(start, end, project='p1', key='f1', quantity=D(1)):
    return usage.UsageInterval('instance', 'vm-1', project, key, quantity,
                               start, end)


def derive(observations):
    """The intervals of the instance vm-1 from its observations."""
    return intervals.derive('instance', 'vm-1', observations)


class TestDerive(base.TestCase):

    def test_create_resize_delete(self):
        self.assertEqual([
            interval(at(1), at(2, 30, 15), quantity=D(10)),
            interval(at(2, 30, 15), at(4), quantity=D(20)),
        ], derive([
            exists(at(1, 0, 0, 500), 'm1', quantity=D(10)),
            exists(at(2, 30, 15, 999999), 'm2', quantity=D(20)),
            gone(at(4), 'm3'),
        ]))

    def test_flavor_change(self):
        self.assertEqual([
            interval(at(1), at(2), key='small'),
            interval(at(2), None, key='large'),
        ], derive([exists(at(1), 'm1', key='small'),
                             exists(at(2), 'm2', key='large')]))

    def test_no_observation_no_usage(self):
        self.assertEqual([], derive([]))

    def test_stop_and_restart(self):
        # e.g. shelved_offloaded, then unshelved; error, then repaired.
        self.assertEqual([
            interval(at(1), at(2)),
            interval(at(3), at(4)),
            interval(at(5), None),
        ], derive([
            exists(at(1), 'm1'),
            exists(at(2), 'm2', billable=False),
            exists(at(2, 30), 'm3', billable=False),
            exists(at(3), 'm4'),
            exists(at(4), 'm5', billable=False),
            exists(at(5), 'm6'),
        ]))

    def test_never_billable(self):
        self.assertEqual([], derive([
            exists(at(1), 'm1', billable=False),
            gone(at(2), 'm2')]))

    def test_billable_states_are_one_interval(self):
        # active -> stopped -> active and a rename: all billable, same
        # flavor; the payload state and the name are not in the signature.
        self.assertEqual([interval(at(1), at(4))], derive([
            exists(at(1), 'm1', name='web'),
            exists(at(2), 'm2', name='web'),
            exists(at(3), 'm3', name='web-renamed'),
            gone(at(4), 'm4'),
        ]))

    def test_equal_quantities_in_other_notation(self):
        self.assertEqual([interval(at(1), None, quantity=D(20))],
                         derive([
                             exists(at(1), 'm1', quantity=D(20)),
                             exists(at(2), 'm2', quantity=D('20.0'))]))

    def test_truncation_to_whole_seconds(self):
        self.assertEqual([interval(at(1, 0, 0), at(1, 59, 59))],
                         derive([
                             exists(at(1, 0, 0, 999999), 'm1'),
                             gone(at(1, 59, 59, 999999), 'm2')]))

    def test_zero_length_intervals_dropped(self):
        self.assertEqual([], derive([
            exists(at(1, 0, 0, 100), 'm1'),
            gone(at(1, 0, 0, 900), 'm2')]))
        self.assertEqual([interval(at(1), None, quantity=D(2))],
                         derive([
                             exists(at(1, 0, 0, 100), 'm1', quantity=D(1)),
                             exists(at(1, 0, 0, 900), 'm2', quantity=D(2))]))
        self.assertEqual([], derive([
            exists(at(1, 0, 0, 100), 'm1'),
            exists(at(1, 0, 0, 900), 'm2', billable=False)]))

    def test_gone_is_final(self):
        # Cinder's usage audit re-sends exists and create.end after delete.
        self.assertEqual([interval(at(1), at(2))], derive([
            exists(at(1), 'm1'),
            gone(at(2), 'm2'),
            exists(at(3), 'm3'),
            exists(at(4), 'm4', quantity=D(5)),
            gone(at(5), 'm5'),
        ]))

    def test_gone_first(self):
        self.assertEqual([], derive([
            gone(at(1), 'm1'), exists(at(2), 'm2')]))

    def test_late_create_after_delete_in_arrival_order(self):
        # delete.end processed before create.end: sorted by event time.
        self.assertEqual([interval(at(1), at(2))], derive([
            gone(at(2), 'm2'), exists(at(1), 'm1')]))

    def test_exists_sorts_before_gone_at_the_same_time(self):
        same = at(2, 0, 0, 500)
        observations = [gone(same, 'a'), exists(same, 'c'),
                        exists(same, 'b'), exists(at(1), 'z')]
        self.assertEqual(['z', 'b', 'c', 'a'],
                         [obs.message_id for obs in sorted(
                             observations, key=intervals.sort_key)])
        self.assertEqual([interval(at(1), at(2))],
                         derive(observations))

    def test_same_time_ties_broken_by_message_id(self):
        # Both say something different at the same moment: the higher
        # message id is the later fact, whatever the arrival order.
        observations = [exists(at(1), 'm0', quantity=D(10)),
                        exists(at(2), 'm2', quantity=D(20)),
                        exists(at(2), 'm1', quantity=D(30))]
        expected = [interval(at(1), at(2), quantity=D(10)),
                    interval(at(2), None, quantity=D(20))]
        self.assertEqual(expected, derive(observations))
        self.assertEqual(expected, derive(observations[::-1]))

    def test_project_from_other_observations(self):
        # Old Neutron floatingip.delete.end has no project.
        self.assertEqual([interval(at(1), at(2), project='p7')],
                         derive([
                             exists(at(1), 'm1', project='p7'),
                             gone(at(2), 'm2', project=None)]))

    def test_project_from_a_later_observation(self):
        self.assertEqual([interval(at(1), None, project='p7')],
                         derive([
                             exists(at(1), 'm1', project=None),
                             exists(at(2), 'm2', project='p7')]))

    def test_no_project_anywhere(self):
        self.assertEqual([interval(at(1), at(2), project=None)],
                         derive([
                             exists(at(1), 'm1', project=None),
                             gone(at(2), 'm2', project=None)]))

    def test_every_permutation_gives_the_same_intervals(self):
        sequence = [exists(at(1, 0, 0, 300), 'm1', billable=False),
                    exists(at(1, 0, 5, 10), 'm2'),
                    exists(at(2), 'm3', name='renamed'),
                    exists(at(3, 15), 'm4', quantity=D(2)),
                    gone(at(3, 15), 'm5', project=None),
                    exists(at(4), 'm6')]
        expected = [interval(at(1, 0, 5), at(3, 15))]
        for permutation in itertools.permutations(sequence):
            self.assertEqual(expected, derive(permutation))


def observations(min_size=0, projects=('p1', None), gone=(False, True)):
    """Small histories with many ties (same second, same moment)."""
    moments = st.sampled_from([at(1), at(1, 0, 0, 400), at(1, 0, 1),
                               at(2), at(2, 0, 0, 1), at(3)])
    fact = st.tuples(moments, st.sampled_from(gone), st.booleans(),
                     st.sampled_from(projects),
                     st.sampled_from(['f1', 'f2']),
                     st.sampled_from([D(1), D(2)]))
    return st.lists(fact, min_size=min_size, max_size=7).map(lambda drawn: [
        intervals.TimedObservation(
            when, 'm%d' % index, is_gone, billable and not is_gone, project,
            None if is_gone else key, None if is_gone else quantity)
        for index, (when, is_gone, billable, project, key, quantity)
        in enumerate(drawn)])


class TestDeriveProperties(base.TestCase):

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.data())
    def test_order_independent_and_well_formed(self, data):
        history = data.draw(observations())
        shuffled = data.draw(st.permutations(history))
        derived = derive(history)
        self.assertEqual(derived, derive(shuffled))
        ends = []
        for index, item in enumerate(derived):
            self.assertEqual(0, item.start.microsecond)
            if item.end is None:
                self.assertEqual(len(derived) - 1, index)
            else:
                self.assertEqual(0, item.end.microsecond)
                self.assertLess(item.start, item.end)
            if ends:
                self.assertLessEqual(ends[-1], item.start)
            ends.append(item.end)
        first_gone = min((obs.event_time for obs in history if obs.gone),
                         default=None)
        if first_gone is not None:
            cut = first_gone.replace(microsecond=0)
            for item in derived:
                self.assertLessEqual(item.start, cut)
                self.assertIsNotNone(item.end)
                self.assertLessEqual(item.end, cut)


class TestRederiveFrom(base.TestCase):
    """Re-deriving from a late observation's second, with the stored
    intervals from there and the owner before, gives the full
    derivation's intervals."""

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(st.data())
    def test_equals_the_full_derivation(self, data):
        # Mostly owned, rarely gone: most examples re-derive from the
        # late observation's second.
        # The first observation names the owner before any late one.
        owners, gone = ('p1', 'p1', 'p2', None), (False,) * 6 + (True,)
        history = [exists(at(0, 59), 'm-first')] + data.draw(
            observations(0, owners, gone))
        late = [dataclasses.replace(obs, message_id='late-' + obs.message_id)
                for obs in data.draw(observations(1, owners, gone))]
        before = derive(history)
        after = derive(history + late)
        moment = intervals.whole_second(min(
            late, key=intervals.sort_key).event_time)
        if any(obs.gone and obs.event_time < moment for obs in history):
            self.assertEqual(before, after)
            return
        stored = [item for item in before
                  if item.end is None or item.end >= moment]
        if stored and stored[0].start < moment:
            project = stored[0].project_id
        else:
            project = next((obs.project_id for obs in sorted(
                history, key=intervals.sort_key, reverse=True)
                if obs.event_time < moment and obs.project_id), None)
        if project is None:
            # No owner before: the ingest derives from all observations.
            return
        kept = [item for item in before
                if item.end is not None and item.end < moment]
        self.assertEqual(after, kept + intervals.rederive_from(
            'instance', 'vm-1', moment, stored, [obs for obs in history + late
                             if obs.event_time >= moment], project))
