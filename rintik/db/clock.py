"""The database server's clock, for "when was this recorded".

Times that order writes between hosts (a change of usage against a
rollover) come from the one clock every transaction shares, never from
the clocks of the hosts that run the monitor or the rollover.
"""

import sqlalchemy as sa
from sqlalchemy.ext import compiler

from rintik.db import types


class utcnow(sa.sql.expression.FunctionElement):
    """The database server's current UTC time, as a UTCDateTime."""

    type = types.UTCDateTime()
    inherit_cache = True


@compiler.compiles(utcnow, 'mysql')
def _mysql(element, compiler, **kw):
    return 'UTC_TIMESTAMP(6)'


@compiler.compiles(utcnow, 'postgresql')
def _postgresql(element, compiler, **kw):
    # clock_timestamp(): the time of the write, not of the transaction's
    # start (now() is the latter).
    return "(clock_timestamp() AT TIME ZONE 'UTC')"


@compiler.compiles(utcnow, 'sqlite')
def _sqlite(element, compiler, **kw):
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"
