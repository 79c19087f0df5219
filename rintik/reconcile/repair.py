"""Reconciliation: compare what Rintik bills with what the OpenStack APIs
list and repair the difference with observations of the source
``reconcile``; usage is re-derived from them like from notifications, so
repairs to issued periods become adjustments at the next rollover.

The guards: a listing limited to the caller's own project is refused; a
service whose listing fails or pages incompletely is skipped; resources
observed (or created) within ``[reconcile] grace`` are left alone; a
project where a run would end more than ``[reconcile] max_end_fraction``
of its running resources is reported and not repaired.

Memory stays bounded by the page size and the differences: each resource
type is compared page by page with the billed resources of the page's
ids, then the running resources are read in chunks; only the listed ids
(16 bytes each) are held until the type is done.
"""

import collections
import dataclasses
import datetime
import hashlib
import re

from oslo_log import log as logging

from rintik.common import coordination
from rintik.common import openstack
from rintik.db import bulk
from rintik.db import counters
from rintik.db.engine import main_context_manager
from rintik.db import metering
from rintik.db import rating_state
from rintik.db import reconcile as db_reconcile
from rintik import exception
from rintik.metering import facts
from rintik.notify import centre
from rintik.notify import events
from rintik.reconcile import listing

LOG = logging.getLogger(__name__)
LOCK = 'reconcile'
SOURCE = 'reconcile'
CANONICAL_UUID = re.compile(
    '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\Z')


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
    """List, compare, guard and (unless ``dry_run``) repair. Each
    resource type is compared a page at a time and only the differences
    are kept; no database transaction is held while OpenStack is
    called."""
    report = Report()
    cloud = openstack.connect(conf)
    comparison = Comparison(conf, now, db_reconcile.window_start(context),
                            project_id, cloud.session.get_project_id())
    surveys = survey_all(context, cloud, conf, comparison, report)
    refuse_own_project_only(comparison.own, surveys)
    changes = sorted(
        (change for survey in surveys.values() for change in survey.changes),
        key=lambda change: (change[0].resource_type, change[0].resource_id))
    running = collections.Counter()
    for survey in surveys.values():
        running.update(survey.running)
    report.differences = guard(conf, changes, running, report)
    if dry_run:
        report.differences = [
            dataclasses.replace(difference, status='dry-run')
            if difference.status == 'repaired' else difference
            for difference in report.differences]
        return report
    records = [record for (_difference, record), difference
               in zip(changes, report.differences)
               if difference.status == 'repaired']
    for chunk in bulk.chunks(records):
        metering.store_batch(context, chunk, [], source=SOURCE)
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


@dataclasses.dataclass
class Survey:
    """What comparing one resource type found: the changes to make
    [(Difference, record)], the running resources per project, whether
    the listing held anything and anything of another project than the
    caller's."""

    changes: list = dataclasses.field(default_factory=list)
    running: collections.Counter = dataclasses.field(
        default_factory=collections.Counter)
    listed: bool = False
    others_listed: bool = False


def compact_id(resource_id):
    """A resource id as kept in memory while its type is compared: the
    16 bytes of a UUID in canonical form, else the id itself."""
    if CANONICAL_UUID.match(resource_id):
        return bytes.fromhex(resource_id.replace('-', ''))
    return resource_id


class Comparison:
    """Compares listings with what Rintik bills, one resource type at a
    time: each page listed is compared with the billed resources of its
    ids, then the running resources are read in chunks and those never
    listed end. Only the listed ids (compact) and the differences are
    held."""

    def __init__(self, conf, now, window_start, project_id, own):
        self.now = now
        self.recent = now - datetime.timedelta(seconds=conf.reconcile.grace)
        self.window_start = window_start
        self.project_id = project_id
        self.own = own

    def survey(self, context, resource_type, pages):
        """The Survey of one type from its listing's ``pages``."""
        survey = Survey()
        listed = set()
        for page in pages:
            billed = db_reconcile.billed(
                context, resource_type, [item.resource_id for item in page])
            for found in page:
                key = compact_id(found.resource_id)
                if key in listed:
                    continue
                listed.add(key)
                survey.listed = True
                survey.others_listed |= found.project_id != self.own
                self._add(survey, resource_type, found.resource_id,
                          billed.get(found.resource_id), found)
        for chunk in db_reconcile.running(context, resource_type):
            for billed in chunk:
                survey.running[billed.project_id] += 1
                if compact_id(billed.resource_id) not in listed:
                    self._add(survey, resource_type, billed.resource_id,
                              billed, None)
        return survey

    def _add(self, survey, resource_type, resource_id, billed, found):
        change = _compare((resource_type, resource_id), billed, found,
                          self.now, self.recent, self.window_start)
        if change is not None and self.project_id in (
                None, change[0].project_id):
            survey.changes.append(change)


def survey_all(context, cloud, conf, comparison, report):
    """{resource type: Survey} of every service whose listing succeeded
    to its last page; the others are skipped with a warning in
    ``report`` and nothing of them is repaired."""
    surveys = {}
    for service, listers in listing.LISTERS.items():
        try:
            found = {resource_type: comparison.survey(
                context, resource_type, lister(cloud, conf))
                for resource_type, lister in listers}
        except openstack.ERRORS + (listing.IncompleteListing,) as error:
            report.warnings.append(
                '%s skipped: listing failed (%s); nothing of it is '
                'repaired.' % (service, openstack.reason(error)))
            continue
        surveys.update(found)
    return surveys


def refuse_own_project_only(own, surveys):
    """Stop when a listing holds only the caller's own project while
    Rintik bills running resources of that type in others: the
    credentials do not see every project (no admin role, or all_projects
    ignored)."""
    for resource_type, survey in surveys.items():
        if not survey.listed or survey.others_listed:
            # An empty listing proves nothing either way: the
            # max_end_fraction guard stands in.
            continue
        others = set(survey.running) - {own}
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


def _found_text(item, owner=None):
    """What was found; ``owner`` stands in for a listing that states no
    project."""
    if item is None:
        return 'not found'
    if not item.billable:
        return 'exists, not billable'
    return _signature(item.project_id or owner, item.price_key,
                      item.quantity)


def _message_id(kind, key, at, found):
    digest = hashlib.sha256(repr((kind, key, at.isoformat(),
                                  _found_text(found))).encode()).hexdigest()
    return 'reconcile-%s-%s' % (kind, digest[:32])


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
        start = listing.moment(found.created) or now
        if start > recent:
            # Its notifications may still be on their way.
            return None
        if window_start is not None:
            start = max(start, window_start)
        return _change('start', key, None, found, start, _exists(found))
    if _billed_text(billed) == _found_text(found, billed.project_id) or (
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
    record = (_message_id(kind, key, at, found), 'reconcile.' + kind, at,
              [observation])
    return difference, record


def guard(conf, changes, running, report):
    """The differences, those of projects where the run would end more
    than ``max_end_fraction`` of their ``running`` resources (a count per
    project) marked blocked (and reported in ``report.warnings``)."""
    ends = collections.Counter(
        difference.project_id for difference, _record in changes
        if difference.kind == 'end')
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
