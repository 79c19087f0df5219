"""Derivation of usage intervals from a resource's observations.

The rules (PRODUCT.md §1): observations are taken in event-time order
(ties: "exists" before "gone", then message id); an interval ends, and
the next starts, at the first observation that changes billability or a
price-relevant attribute; a "gone" observation is final; boundaries are
truncated to whole seconds.
"""

import dataclasses
import datetime
import decimal

from rintik.billing.usage import UsageInterval


@dataclasses.dataclass(frozen=True)
class TimedObservation:
    """An observation of one resource as stored: with its event time and
    message id (and the display name and event type it came with)."""

    event_time: datetime.datetime
    message_id: str
    gone: bool
    billable: bool
    project_id: str | None
    price_key: str | None
    quantity: decimal.Decimal | None
    name: str | None = None
    event_type: str | None = None


def sort_key(observation):
    """Event time, then "exists" before "gone", then message id."""
    return (observation.event_time, observation.gone, observation.message_id)


def whole_second(moment):
    """``moment`` truncated to its second (an interval boundary)."""
    return moment.replace(microsecond=0)


def _fallback_project(observations):
    for observation in observations:
        if observation.project_id:
            return observation.project_id
    return None


class Derivation:
    """The state of a derivation of one resource (``resource_type``,
    ``resource_id``) after some observations: the UsageIntervals closed
    since, the running one (signature and start), the owner carried
    forward, and whether the resource is gone.

    It starts from ``running``, the interval that runs at that point
    (None if none does; its end, if it has one, was set by a later
    observation, which will be fed again), the owner ``project`` and
    ``gone``.
    """

    def __init__(self, resource_type, resource_id, project=None, gone=False,
                 running=None):
        self.resource_type = resource_type
        self.resource_id = resource_id
        self.intervals = []
        self.current = None
        self.project = project
        self.gone = gone
        if running is not None:
            self.current = ((running.project_id, running.price_key,
                             running.quantity), running.start)

    def _interval(self, end):
        (project, price_key, quantity), start = self.current
        return UsageInterval(self.resource_type, self.resource_id, project,
                             price_key, quantity, start, end)

    def _close(self, at):
        end = whole_second(at)
        if end > self.current[1]:
            self.intervals.append(self._interval(end))
        self.current = None

    def feed(self, observation):
        """Apply the next observation in event-time order."""
        if self.gone:
            return
        self.project = observation.project_id or self.project
        if observation.gone:
            if self.current is not None:
                self._close(observation.event_time)
            self.gone = True
            return
        signature = None
        if observation.billable:
            signature = (self.project, observation.price_key,
                         observation.quantity)
        if self.current is not None and self.current[0] == signature:
            return
        if self.current is not None:
            self._close(observation.event_time)
        if signature is not None:
            self.current = (signature, whole_second(observation.event_time))

    def result(self):
        """The intervals, the running one last."""
        if self.current is None:
            return list(self.intervals)
        return self.intervals + [self._interval(None)]


def derive(resource_type, resource_id, observations):
    """Usage intervals of one resource from all of its observations."""
    ordered = sorted(observations, key=sort_key)
    return resume(Derivation(resource_type, resource_id,
                             project=_fallback_project(ordered)), ordered)


def resume(derivation, later_observations):
    """Continue ``derivation`` with observations that all come after the
    ones it has seen; returns the intervals from where it started (the
    running one it started from first, with its new end if any)."""
    ordered = sorted(later_observations, key=sort_key)
    if derivation.project is None:
        derivation.project = _fallback_project(ordered)
    for observation in ordered:
        derivation.feed(observation)
    return derivation.result()


def rederive_from(resource_type, resource_id, moment, stored, observations,
                  project):
    """The intervals of one resource from ``moment`` (a whole second) on,
    derived again after observations at or after it were added.

    ``stored`` are the resource's stored intervals that run or end at or
    after ``moment``, in start order (the one running across ``moment``,
    if any, is the first, and its run goes on at ``moment``);
    ``observations`` are all of its observations at or after ``moment``;
    ``project`` is the owner carried to just before ``moment`` (not None:
    with no owner before ``moment``, the owner of earlier usage depends
    on later observations, and only a full derivation is exact). The
    resource must not be gone before ``moment``.

    Intervals that end before ``moment`` depend only on observations
    before it, so with these, in place of ``stored``, the result is the
    full derivation's.
    """
    running = stored[0] if stored and stored[0].start < moment else None
    return resume(Derivation(resource_type, resource_id, project=project,
                             running=running), observations)


def first_change(old, new):
    """Where two derivations of one resource part: (the first instant
    whose usage differs, the projects whose usage may differ from it), or
    None when they are equal. Both lists are in start order and, being
    one resource's, never overlap."""
    index = 0
    while index < min(len(old), len(new)) and old[index] == new[index]:
        index += 1
    rest_old, rest_new = old[index:], new[index:]
    if not rest_old and not rest_new:
        return None
    projects = {interval.project_id for interval in rest_old + rest_new
                if interval.project_id}
    if rest_old and rest_new and dataclasses.replace(
            rest_old[0], end=None) == dataclasses.replace(rest_new[0],
                                                          end=None):
        # Only the end of the same interval moved.
        ends = [interval.end for interval in (rest_old[0], rest_new[0])
                if interval.end is not None]
        return min(ends), projects
    return min(interval.start for interval in (rest_old[:1] + rest_new[:1])
               ), projects
