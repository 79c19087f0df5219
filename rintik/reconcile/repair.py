"""Reconciliation: compare what Rintik bills with what the OpenStack APIs
list and repair the difference with observations of the source
``reconcile``; usage is re-derived from them like from notifications, so
repairs to issued periods become adjustments at the next rollover.

The guards: a listing limited to the caller's own project is refused; a
service whose listing fails is skipped; resources observed (or created)
within ``[reconcile] grace`` are left alone; a project where a run would
end more than ``[reconcile] max_end_fraction`` of its running resources
is reported and not repaired.
"""

import collections
import dataclasses
import datetime
import hashlib

from oslo_log import log as logging

from rintik.common import coordination
from rintik.common import openstack
from rintik.db import counters
from rintik.db.engine import main_context_manager
from rintik.db import rating_state
from rintik.db import reconcile as db_reconcile
from rintik import exception
from rintik.metering import facts
from rintik.metering import ingest
from rintik.notify import centre
from rintik.notify import events
from rintik.reconcile import listing

LOG = logging.getLogger(__name__)
LOCK = 'reconcile'
SOURCE = 'reconcile'


class Refused(exception.RintikException):
    """The credentials do not list every project."""


@dataclasses.dataclass(frozen=True)
class Difference:
    """One repair: ``kind`` is start (never seen), end (no longer
    exists) or change (billability or attributes differ); ``at`` is the
    event time of the repair; ``status`` is repaired, dry-run or
    blocked."""

    kind: str
    resource_type: str
    resource_id: str
    project_id: str | None
    at: datetime.datetime
    billed: str
    found: str
    status: str = 'repaired'


@dataclasses.dataclass
class Report:
    ran: bool = True
    differences: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)


def run(context, conf, now, project_id=None, dry_run=False, every=None):
    """Reconcile under the ``reconcile`` lock; a Report with ``ran=False``
    when another host holds it or, with ``every`` (seconds), when a run
    completed less than that long ago (by the database clock)."""
    with coordination.exclusive(conf, LOCK) as taken:
        if not taken:
            return Report(ran=False)
        if every is not None:
            since = rating_state.seconds_since_reconcile(context)
            if since is not None and since < every:
                return Report(ran=False)
        report = reconcile(context, conf, now, project_id, dry_run)
        if not dry_run:
            rating_state.reconcile_completed(context)
        return report


def reconcile(context, conf, now, project_id=None, dry_run=False):
    """List, compare, guard and (unless ``dry_run``) repair. No database
    transaction is held while OpenStack is called."""
    report = Report()
    cloud = openstack.connect(conf)
    listed = list_all(cloud, conf, report)
    billed = db_reconcile.known(context, listed)
    refuse_own_project_only(cloud, listed, billed)
    changes = plan(conf, now, listed, billed,
                   db_reconcile.window_start(context), project_id)
    report.differences = guard(conf, changes, billed, report)
    if dry_run:
        report.differences = [
            dataclasses.replace(difference, status='dry-run')
            if difference.status == 'repaired' else difference
            for difference in report.differences]
        return report
    records = [record for (_difference, record), difference
               in zip(changes, report.differences)
               if difference.status == 'repaired']
    if records:
        ingest.store(context, records, [], source=SOURCE)
    for warning in report.warnings:
        LOG.warning('Reconciliation: %s', warning)
    LOG.info('Reconciliation repaired %d resources.', len(records))
    _tell(context, report, now)
    return report


def _tell(context, report, now):
    """Count the repairs by kind and, when anything was found, tell the
    admins in one notification (one transaction)."""
    repaired = collections.Counter(
        difference.kind for difference in report.differences
        if difference.status == 'repaired')
    blocked = sum(1 for difference in report.differences
                  if difference.status == 'blocked')
    if not (repaired or blocked or report.warnings):
        return
    with main_context_manager.writer.using(context):
        counters.add(context, {'reconcile_' + kind: count
                               for kind, count in repaired.items()})
        centre.store(context, [events.reconciled(
            dict(repaired), blocked, list(report.warnings))], now)


def list_all(cloud, conf, report):
    """{resource type: {id: Found}} of every service whose listing
    succeeded; the others are skipped with a warning in ``report``."""
    listed = {}
    for service, listers in listing.LISTERS.items():
        try:
            found = {resource_type: {item.resource_id: item
                                     for item in lister(cloud, conf)}
                     for resource_type, lister in listers}
        except openstack.ERRORS as error:
            report.warnings.append(
                '%s skipped: listing failed (%s); nothing of it is '
                'repaired.' % (service, openstack.reason(error)))
            continue
        listed.update(found)
    return listed


def refuse_own_project_only(cloud, listed, billed):
    """Stop when a listing holds only the caller's own project while
    Rintik bills resources of that type in others: the credentials do
    not see every project (no admin role, or all_projects ignored)."""
    own = cloud.session.get_project_id()
    for resource_type, found in listed.items():
        projects = {item.project_id for item in found.values()}
        if not projects or projects - {own}:
            # An empty listing proves nothing either way: the
            # max_end_fraction guard stands in.
            continue
        others = {item.project_id for item in billed.values()
                  if item.resource_type == resource_type and item.running
                  and item.project_id != own}
        if others:
            raise Refused(
                'The %s listing holds only project %s while %d other '
                'projects have running %s usage: the [openstack] '
                'credentials do not list every project (admin role, '
                'all_projects). Nothing was changed.'
                % (resource_type, own, len(others), resource_type))


def _signature(project_id, price_key, quantity):
    return '%s/%s/%s' % (project_id or '-', price_key or '-',
                         '-' if quantity is None else quantity.normalize())


def _billed_text(item):
    if item is None or not item.running:
        return 'not billed'
    return _signature(item.project_id, item.price_key, item.quantity)


def _found_text(item):
    if item is None:
        return 'not found'
    if not item.billable:
        return 'exists, not billable'
    return _signature(item.project_id, item.price_key, item.quantity)


def _message_id(kind, key, at, found):
    digest = hashlib.sha256(repr((kind, key, at.isoformat(),
                                  _found_text(found))).encode()).hexdigest()
    return 'reconcile-%s-%s' % (kind, digest[:32])


def plan(conf, now, listed, billed, window_start, project_id=None):
    """[(Difference, ingest.Record)] of every resource whose
    billing differs from the listing, outside the grace period."""
    recent = now - datetime.timedelta(seconds=conf.reconcile.grace)
    changes = []
    for resource_type, found in sorted(listed.items()):
        keys = set((resource_type, resource_id) for resource_id in found)
        keys.update(key for key in billed if key[0] == resource_type)
        for key in sorted(keys):
            change = _compare(key, billed.get(key), found.get(key[1]), now,
                              recent, window_start)
            if change is not None and (project_id is None or project_id
                                       == change[0].project_id):
                changes.append(change)
    return changes


def _compare(key, billed, found, now, recent, window_start):
    if billed is not None and (billed.gone or billed.last_seen > recent):
        # Gone is final; a recent observation may have more on its way.
        return None
    if found is None:
        if billed is None or not billed.running:
            return None
        return _change('end', key, billed, None, billed.last_seen,
                       facts.Observation(key[0], key[1], billed.project_id,
                                         gone=True))
    if billed is None:
        if not found.billable:
            return None
        start = found.created or now
        if start > recent:
            # Its notifications may still be on their way.
            return None
        if window_start is not None:
            start = max(start, window_start)
        return _change('start', key, None, found, start, _exists(found))
    if _billed_text(billed) == _found_text(
            dataclasses.replace(found, project_id=found.project_id or
                                billed.project_id)) or (
            not billed.running and not found.billable):
        return None
    return _change('change', key, billed, found, now, _exists(found))


def _exists(found):
    return facts.Observation(
        found.resource_type, found.resource_id, found.project_id,
        billable=found.billable, price_key=found.price_key,
        quantity=found.quantity, name=found.name)


def _change(kind, key, billed, found, at, observation):
    project_id = (found.project_id if found is not None and
                  found.project_id else billed.project_id)
    difference = Difference(kind, key[0], key[1], project_id, at,
                            _billed_text(billed), _found_text(found))
    record = ingest.Record(_message_id(kind, key, at, found),
                           'reconcile.' + kind, at, [observation])
    return difference, record


def guard(conf, changes, billed, report):
    """The differences, those of projects where the run would end more
    than ``max_end_fraction`` of the running resources marked blocked
    (and reported in ``report.warnings``)."""
    running, ends = {}, {}
    for item in billed.values():
        if item.running:
            running[item.project_id] = running.get(item.project_id, 0) + 1
    for difference, _record in changes:
        if difference.kind == 'end':
            ends[difference.project_id] = ends.get(
                difference.project_id, 0) + 1
    limit = conf.reconcile.max_end_fraction
    blocked = {project for project, count in ends.items()
               if count > limit * running.get(project, 0)}
    for project in sorted(blocked, key=str):
        report.warnings.append(
            'project %s not repaired: %d of its %d running resources would '
            'end, more than [reconcile] max_end_fraction (%s).'
            % (project, ends[project], running.get(project, 0), limit))
    return [dataclasses.replace(difference, status='blocked')
            if difference.project_id in blocked else difference
            for difference, _record in changes]
