"""Usage the rate card does not price (PRODUCT.md §2.7)."""

from rintik.billing import segments
from rintik.db import invoices as db_invoices
from rintik.db import usage
from rintik.rating import ratecard


def _unpriced(interval, versions):
    """Whether some of the interval's time has no version in force."""
    moments = [interval.start] + [
        version.effective_from for version in versions
        if version.effective_from > interval.start and
        (interval.end is None or version.effective_from < interval.end)]
    return any(segments.version_at(versions, moment) is None
               for moment in moments)


def unpriced_usage(context, since=None):
    """Usage intervals (ending after ``since``, default: the oldest open
    period) with no price for some of their time. The database keeps
    only the intervals whose key has no version or an ended one."""
    since = since or db_invoices.oldest_open_period(context)
    candidates = usage.unpriced_candidates(context, since)
    if not candidates:
        return []
    card = ratecard.RateCard.load(context)
    return [interval for interval in candidates
            if _unpriced(interval, card.versions_for(interval))]
