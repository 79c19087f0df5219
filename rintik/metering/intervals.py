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


@dataclasses.dataclass(frozen=True)
class TimedObservation:
    """An observation as stored: with its event time and message id."""

    event_time: datetime.datetime
    message_id: str
    gone: bool
    billable: bool
    project_id: str | None
    price_key: str | None
    quantity: decimal.Decimal | None


@dataclasses.dataclass(frozen=True)
class Interval:
    project_id: str | None
    price_key: str | None
    quantity: decimal.Decimal
    start: datetime.datetime
    end: datetime.datetime | None


def sort_key(observation):
    """Event time, then "exists" before "gone", then message id."""
    return (observation.event_time, observation.gone, observation.message_id)


def _whole_second(moment):
    return moment.replace(microsecond=0)


def _fallback_project(observations):
    for observation in observations:
        if observation.project_id:
            return observation.project_id
    return None


def derive(observations):
    """Usage intervals of one resource from all of its observations."""
    ordered = sorted(observations, key=sort_key)
    project = _fallback_project(ordered)
    intervals = []
    current = None  # (signature, start)

    def close(at):
        signature, start = current
        end = _whole_second(at) if at is not None else None
        if end is None or end > start:
            intervals.append(Interval(signature[0], signature[1],
                                      signature[2], start, end))

    for observation in ordered:
        project = observation.project_id or project
        if observation.gone:
            if current is not None:
                close(observation.event_time)
                current = None
            break
        signature = None
        if observation.billable:
            signature = (project, observation.price_key,
                         observation.quantity)
        if current is not None and current[0] == signature:
            continue
        if current is not None:
            close(observation.event_time)
            current = None
        if signature is not None:
            current = (signature, _whole_second(observation.event_time))
    if current is not None:
        close(None)
    return intervals
