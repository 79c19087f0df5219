"""Running totals that /metrics reads: the monitor's ingest counters and
reconciliation's repairs.

The monitor and the API are separate processes, so the totals live in
the database; each batch adds to them with at most one statement.
"""

import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models

COUNTERS = models.IngestCounter.__table__
REQUEUED = 'requeued'
SPLIT = 'split'
REDELIVERED = 'redelivered'
NAMES = (REQUEUED, SPLIT, REDELIVERED)
# Reconciliation repairs, by kind (start, end, change).
RECONCILE_KINDS = ('start', 'end', 'change')
RECONCILE_NAMES = tuple('reconcile_' + kind for kind in RECONCILE_KINDS)


@main_context_manager.writer
def add(context, increments):
    """Add ``increments`` ({name: count}) to the counters, in one UPDATE
    (none when every count is zero)."""
    increments = {name: count for name, count in increments.items()
                  if count}
    if not increments:
        return
    context.session.execute(COUNTERS.update().where(
        COUNTERS.c.name.in_(sorted(increments))).values(
        value=COUNTERS.c.value + sa.case(increments,
                                         value=COUNTERS.c.name, else_=0)))


@main_context_manager.reader
def totals(context, names=NAMES):
    """{name: total} of the counters ``names`` (the ingest ones by
    default; 0 for one never counted)."""
    found = dict(context.session.execute(sa.select(
        COUNTERS.c.name, COUNTERS.c.value).where(
        COUNTERS.c.name.in_(names))).all())
    return {name: found.get(name, 0) for name in names}
