"""The host's clock: what time it is now, as an aware UTC datetime.

Every "now" Rintik takes from the host (a request's moment, a command's,
a timer's, the time a message is received) comes from ``utcnow``, the
one point tests move. "When was this recorded", which orders writes
between hosts, comes from the database's clock instead
(rintik.db.clock).
"""

import datetime


def utcnow():
    """Now, in UTC (tz-aware)."""
    return datetime.datetime.now(datetime.timezone.utc)
