"""The rate card as rintik.billing sees it: versions by (kind, key)."""

from rintik.billing import segments
from rintik.db import ratecard as db_ratecard


def price_version(row, kind=None, key=None):
    """A stored version row (of ``kind`` and ``key``) as rintik.billing's
    PriceVersion; the row id is the order in which versions were added."""
    return segments.PriceVersion(
        kind=kind, key=key,
        effective_from=row.effective_from, hourly=row.hourly,
        monthly=row.monthly, ended=row.ended, sequence=row.id)


class RateCard:
    """Price versions indexed by (kind, key), in the order they were
    added; single-price kinds have the key None (stored as '').
    ``revision`` is the newest version's id (0 for an empty card)."""

    def __init__(self, rows):
        self._versions = {}
        self.revision = 0
        for row in sorted(rows, key=lambda row: row.id):
            version = price_version(row, row.kind, row.key or None)
            self._versions.setdefault((version.kind, version.key),
                                      []).append(version)
            self.revision = row.id

    @classmethod
    def load(cls, context, revision=None):
        """The rate card now, or as it was at ``revision`` (an invoice's
        ratecard_revision: the versions it was rated with)."""
        return cls(db_ratecard.all_versions(context, revision))

    def versions_for(self, interval):
        """The versions of the key pricing ``interval`` (anything with a
        resource_type and a price_key)."""
        kind = segments.price_kind(interval.resource_type)
        key = interval.price_key if kind in segments.KEYED_KINDS else None
        return self._versions.get((kind, key), [])
