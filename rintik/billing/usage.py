"""The usage interval: the one type a stretch of metered time has, from
its derivation (rintik.metering.intervals) to its rating."""

import dataclasses
import datetime
from decimal import Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class UsageInterval:
    """A stretch of one resource's metered time, with the resource's type
    and id; ``end`` None = running."""

    resource_type: str
    resource_id: str
    project_id: str | None
    price_key: str | None
    quantity: Decimal
    start: datetime.datetime
    end: datetime.datetime | None

    def overlaps(self, start, end):
        """Whether the interval runs in [start, end)."""
        return self.start < end and (self.end is None or self.end > start)
