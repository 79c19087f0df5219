"""Usage the rate card does not price (PRODUCT.md §2.7)."""

from rintik.billing import segments
from rintik.db import invoices as db_invoices
from rintik.db import queries
from rintik.rating import invoicing
from rintik.rating import ratecard


def _unpriced(interval, versions):
    if segments.version_at(versions, interval.start) is None:
        return True
    return any(version.ended and version.effective_from > interval.start and
               (interval.end is None or version.effective_from < interval.end)
               for version in versions)


def unpriced_usage(context, since=None):
    """Usage intervals (ending after ``since``, default: the oldest open
    period) with no price for some of their time."""
    since = since or db_invoices.oldest_open_period(context)
    card = ratecard.RateCard.load(context)
    found = []
    for row in queries.usage_intervals(context):
        if since is not None and row.end is not None and row.end <= since:
            continue
        if _unpriced(invoicing.to_interval(row), card.versions_for(row)):
            found.append(row)
    return found
