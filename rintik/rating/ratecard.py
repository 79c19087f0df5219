"""The rate card as rintik.billing sees it: versions by (kind, key)."""

from rintik.billing import segments
from rintik.db import ratecard as db_ratecard


class RateCard:
    """Price versions indexed by (kind, key); single-price kinds have the
    key None (stored as '')."""

    def __init__(self, rows):
        self._versions = {}
        for row in rows:
            key = row.key or None
            self._versions.setdefault((row.kind, key), []).append(
                segments.PriceVersion(
                    kind=row.kind, key=key, effective_from=row.effective_from,
                    hourly=row.hourly, monthly=row.monthly, ended=row.ended))

    @classmethod
    def load(cls, context, created_before=None):
        """The rate card now, or as it was at ``created_before``."""
        return cls(db_ratecard.all_versions(context, created_before))

    def versions_for(self, interval):
        """The versions that may price ``interval``."""
        kind = segments.price_kind(interval.resource_type)
        key = interval.price_key if kind in segments.KEYED_KINDS else None
        return self._versions.get((kind, key), [])
