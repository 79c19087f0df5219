"""Live totals of the in-progress invoices as stored data: what the
overviews and /metrics read, and what refreshing them reads and writes.
"""

import sqlalchemy as sa

from rintik.db import bulk
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import models
from rintik.db import rating_state

STATE = models.LiveState.__table__
INVOICES = models.LiveInvoice.__table__
TOTALS = models.LiveTotal.__table__
GROUPS = models.LiveGroup.__table__
TYPE_TOTALS = models.LiveTypeTotal.__table__
CHANGES = models.UsageChange.__table__
ROW_ID = 1


def lock_state(session):
    """The live state, locked until the transaction ends (created if
    missing): refreshes take turns on it."""
    query = sa.select(STATE).where(STATE.c.id == ROW_ID).with_for_update()
    row = session.execute(query).first()
    if row is None:
        session.execute(STATE.insert().values(id=ROW_ID))
        row = session.execute(query).first()
    return row


@main_context_manager.reader
def status(context):
    """In one query: the stored state, the rating state generation, the
    in-progress invoices' count and newest id, whether a usage change
    waits, and the first moment a stored figure expires."""
    open_invoices = db_invoices.INVOICES
    state = rating_state.STATE

    def scalar(query):
        return query.scalar_subquery()

    return context.session.execute(sa.select(
        scalar(sa.select(STATE.c.generation).where(STATE.c.id == ROW_ID)
               ).label('generation'),
        scalar(sa.select(STATE.c.policy).where(STATE.c.id == ROW_ID)
               ).label('policy'),
        scalar(sa.select(STATE.c.open_count).where(STATE.c.id == ROW_ID)
               ).label('open_count'),
        scalar(sa.select(STATE.c.open_max_id).where(STATE.c.id == ROW_ID)
               ).label('open_max_id'),
        scalar(sa.select(state.c.generation).where(
            state.c.id == rating_state.ROW_ID)).label('rating_generation'),
        scalar(sa.select(sa.func.count()).where(
            open_invoices.c.state == db_invoices.IN_PROGRESS)
        ).label('now_open_count'),
        scalar(sa.select(sa.func.max(open_invoices.c.id)).where(
            open_invoices.c.state == db_invoices.IN_PROGRESS)
        ).label('now_open_max_id'),
        sa.exists().where(CHANGES.c.live_applied.is_(False)).label(
            'pending'),
        scalar(sa.select(sa.func.min(INVOICES.c.valid_until))
               ).label('valid_until'),
        scalar(sa.select(sa.func.min(GROUPS.c.next_change_at))
               ).label('next_change_at'))).one()


def pending_changes(session):
    """(id, project_id) of the usage changes not taken in yet."""
    return session.execute(sa.select(CHANGES.c.id, CHANGES.c.project_id).where(
        CHANGES.c.live_applied.is_(False))).all()


def mark_applied(session, change_ids):
    for chunk in bulk.chunks(sorted(change_ids)):
        session.execute(CHANGES.update().where(
            CHANGES.c.id.in_(chunk)).values(
            live_applied=True))


def open_invoices(session):
    """{id: project_id} of every in-progress invoice."""
    return dict(session.execute(sa.select(
        db_invoices.INVOICES.c.id, db_invoices.INVOICES.c.project_id).where(
        db_invoices.INVOICES.c.state == db_invoices.IN_PROGRESS)).all())


def covered_invoices(session):
    """{invoice id: project_id} of the invoices the live totals hold."""
    return dict(session.execute(sa.select(
        INVOICES.c.invoice_id, INVOICES.c.project_id)).all())


def expired_projects(session, now):
    """Projects with an invoice whose figures changed shape by ``now``."""
    return set(session.execute(sa.select(INVOICES.c.project_id).where(
        INVOICES.c.valid_until <= now)).scalars())


def forget(session, project_ids=None):
    """Drop the figures of the projects (of all when None, the sums per
    type too)."""
    if project_ids is None:
        for table in (GROUPS, TOTALS, INVOICES, TYPE_TOTALS):
            session.execute(table.delete())
        return
    for chunk in bulk.chunks(sorted(project_ids)):
        session.execute(GROUPS.delete().where(GROUPS.c.invoice_id.in_(
            sa.select(INVOICES.c.invoice_id).where(
                INVOICES.c.project_id.in_(chunk)))))
        session.execute(TOTALS.delete().where(TOTALS.c.project_id.in_(chunk)))
        session.execute(INVOICES.delete().where(
            INVOICES.c.project_id.in_(chunk)))


def sums_of(session, project_ids):
    """{resource type: [segments, running, cost, running cost]} of the
    stored figures of the projects."""
    sums = {}
    for chunk in bulk.chunks(sorted(project_ids)):
        for row in session.execute(sa.select(
                TOTALS.c.resource_type, *_sums()).where(
                TOTALS.c.project_id.in_(chunk)).group_by(
                TOTALS.c.resource_type)):
            add_sums(sums, row[0], [int(value) for value in row[1:]])
    return sums


def add_sums(sums, kind, values, sign=1):
    """Add ``values`` (times ``sign``) to ``sums[kind]``."""
    old = sums.setdefault(kind, [0, 0, 0, 0])
    for index, value in enumerate(values):
        old[index] += sign * value


def add_to_type_totals(session, deltas):
    """Add {resource type: [segments, running, cost, running cost]} to
    the sums per type."""
    deltas = {kind: values for kind, values in deltas.items() if any(values)}
    if not deltas:
        return
    present = set(session.execute(sa.select(
        TYPE_TOTALS.c.resource_type)).scalars())
    missing = sorted(set(deltas) - present)
    if missing:
        session.execute(TYPE_TOTALS.insert(), [
            {'resource_type': kind, 'segments': 0, 'running': 0, 'cost': 0,
             'running_cost': 0} for kind in missing])
    session.execute(TYPE_TOTALS.update().where(
        TYPE_TOTALS.c.resource_type == sa.bindparam('kind')).values(
        segments=TYPE_TOTALS.c.segments + sa.bindparam('d_segments'),
        running=TYPE_TOTALS.c.running + sa.bindparam('d_running'),
        cost=TYPE_TOTALS.c.cost + sa.bindparam('d_cost'),
        running_cost=TYPE_TOTALS.c.running_cost + sa.bindparam(
            'd_running_cost')), [
        {'kind': kind, 'd_segments': values[0], 'd_running': values[1],
         'd_cost': values[2], 'd_running_cost': values[3]}
        for kind, values in sorted(deltas.items())])


def store(session, figures_list):
    """Insert the Figures of invoices (rintik.rating.live); returns what
    they add up to per type, as sums_of does."""
    invoices, totals, groups = [], [], []
    for figures in figures_list:
        invoices.append({'invoice_id': figures.invoice_id,
                         'project_id': figures.project_id,
                         'valid_until': figures.valid_until})
        totals.extend({'invoice_id': figures.invoice_id,
                       'project_id': figures.project_id,
                       'resource_type': kind, 'segments': value.segments,
                       'running': value.running, 'cost': value.cost,
                       'running_cost': value.running_cost}
                      for kind, value in sorted(figures.totals.items()))
        groups.extend(dict(group_row(group), invoice_id=figures.invoice_id)
                      for group in figures.groups)
    for table, rows in ((INVOICES, invoices), (TOTALS, totals),
                        (GROUPS, groups)):
        if rows:
            session.execute(table.insert(), rows)
    sums = {}
    for row in totals:
        add_sums(sums, row['resource_type'], [
            row['segments'], row['running'], row['cost'],
            row['running_cost']])
    return sums


def group_row(group):
    return {'resource_type': group.resource_type, 'running': group.running,
            'start': group.start, 'stops_at': group.stops_at,
            'base': str(group.base), 'rate': str(group.rate),
            'cap': None if group.cap is None else str(group.cap),
            'billed_before': group.billed_before, 'total': group.total,
            'next_change_at': group.next_change_at}


def due_groups(session, now):
    """Growing groups whose total changed by ``now``."""
    return session.execute(sa.select(GROUPS).where(
        GROUPS.c.next_change_at <= now).order_by(GROUPS.c.id)).all()


def advance(session, rows, moved, deltas):
    """Store the moved groups of ``rows`` (due ones; ``moved`` is {id:
    (total, next_change_at)}) and add ``deltas`` ({(invoice_id, type):
    (cost, running_cost)}, whole minor units) to the totals: rows are
    deleted and inserted again, a few statements per chunk whatever
    their number."""
    for chunk in bulk.chunks([row for row in rows if row.id in moved]):
        session.execute(GROUPS.delete().where(GROUPS.c.id.in_(
            [row.id for row in chunk])))
        session.execute(GROUPS.insert(), [
            dict(row._mapping, total=moved[row.id][0],
                 next_change_at=moved[row.id][1]) for row in chunk])
    deltas = {key: value for key, value in deltas.items() if any(value)}
    for chunk in bulk.chunks(sorted({key[0] for key in deltas})):
        changed = [row for row in session.execute(sa.select(TOTALS).where(
            TOTALS.c.invoice_id.in_(chunk))).all()
            if (row.invoice_id, row.resource_type) in deltas]
        session.execute(TOTALS.delete().where(TOTALS.c.id.in_(
            [row.id for row in changed])))
        session.execute(TOTALS.insert(), [
            dict(row._mapping,
                 cost=row.cost + deltas[row.invoice_id, row.resource_type][0],
                 running_cost=row.running_cost + deltas[
                     row.invoice_id, row.resource_type][1])
            for row in changed])


def set_state(session, generation, policy, open_count, open_max_id):
    session.execute(STATE.update().where(STATE.c.id == ROW_ID).values(
        generation=generation, policy=policy, open_count=open_count,
        open_max_id=open_max_id))


def _sums():
    return (sa.func.sum(TOTALS.c.segments), sa.func.sum(TOTALS.c.running),
            sa.func.sum(TOTALS.c.cost), sa.func.sum(TOTALS.c.running_cost))


GROUP_COLUMNS = ('running', 'start', 'stops_at', 'base', 'rate', 'cap',
                 'billed_before', 'total', 'next_change_at')
SUM_COLUMNS = ('segments', 'running_segments', 'cost', 'running_cost')


def _nulls(columns, types):
    return [sa.type_coerce(sa.null(), kind).label(name)
            for name, kind in zip(columns, types)]


def _read(session, keys, now, project_id=None):
    """One statement (one snapshot, whatever the isolation level): the
    stored sums per ``keys`` (resource type, or project and type), and
    the growing groups whose rounded total changed by ``now`` (kind
    'group', their ``keys`` with the group's columns). The sums over
    every project come from the sums per type."""
    group_types = [GROUPS.c[name].type for name in GROUP_COLUMNS]
    sum_type = sa.Numeric(precision=38, scale=0)
    if keys == ('resource_type',) and project_id is None:
        sums = sa.select(sa.literal('sum').label('row_kind'),
                         TYPE_TOTALS.c.resource_type,
                         *[TYPE_TOTALS.c[name].label(label) for name, label
                           in zip(('segments', 'running', 'cost',
                                   'running_cost'), SUM_COLUMNS)],
                         *_nulls(GROUP_COLUMNS, group_types))
    else:
        sums = sa.select(sa.literal('sum').label('row_kind'),
                         *[TOTALS.c[key] for key in keys],
                         *[value.label(name) for value, name in zip(
                             _sums(), SUM_COLUMNS)],
                         *_nulls(GROUP_COLUMNS, group_types)).group_by(
            *[TOTALS.c[key] for key in keys])
    due = sa.select(sa.literal('group').label('row_kind'),
                    *[(INVOICES if key == 'project_id' else GROUPS).c[key]
                      for key in keys],
                    *_nulls(SUM_COLUMNS, [sum_type] * len(SUM_COLUMNS)),
                    *[GROUPS.c[name] for name in GROUP_COLUMNS]).where(
        GROUPS.c.next_change_at <= now)
    if 'project_id' in keys or project_id is not None:
        due = due.join_from(GROUPS, INVOICES,
                            INVOICES.c.invoice_id == GROUPS.c.invoice_id)
    if project_id is not None:
        sums = sums.where(TOTALS.c.project_id == project_id)
        due = due.where(INVOICES.c.project_id == project_id)
    return session.execute(sa.union_all(sums, due)).all()


@main_context_manager.reader
def by_type(context, now, project_id=None):
    """The stored sums of the in-progress invoices (of one project, or
    all) per resource type, and their groups due by ``now``: one
    statement (see _read)."""
    return _read(context.session, ('resource_type',), now, project_id)


@main_context_manager.reader
def by_project_and_type(context, now):
    """The same per project and resource type, for every project."""
    return _read(context.session, ('project_id', 'resource_type'), now)
