"""Column types that are exact and timezone-safe on every backend."""

import datetime
import decimal

import sqlalchemy as sa
from sqlalchemy.dialects import mysql


class ExactDecimal(sa.types.TypeDecorator):
    """A decimal column that never goes through a binary float.

    MariaDB and PostgreSQL store it as ``NUMERIC(precision, scale)``.
    SQLite has no exact decimal type (SQLAlchemy's ``Numeric`` is a float
    there), so it is stored as the decimal's text. Values must fit the
    scale: a value with more decimals is refused rather than rounded.
    """

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision, scale):
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect):
        if dialect.name == 'sqlite':
            return dialect.type_descriptor(sa.String(self.precision + 2))
        return dialect.type_descriptor(
            sa.Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = decimal.Decimal(value)
        if value.as_tuple().exponent < -self.scale:
            self._check_scale(value)
        if dialect.name == 'sqlite':
            return str(value)
        return value

    def _check_scale(self, value):
        """Refuse a value that would lose digits in the column."""
        with decimal.localcontext(prec=self.precision + 10):
            if value != value.quantize(decimal.Decimal(1).scaleb(
                    -self.scale)):
                raise ValueError('%s has more than %d decimal places'
                                 % (value, self.scale))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return canonical(decimal.Decimal(value))


def canonical(value):
    """``value`` without trailing zeros, never in exponent notation, so a
    quantity reads the same from every backend."""
    if value == value.to_integral_value():
        return value.quantize(decimal.Decimal(1))
    return value.normalize()


class Identifier(sa.types.TypeDecorator):
    """A string identifier (resource, project and message ids, price keys)
    that compares byte for byte on every backend.

    PostgreSQL and SQLite compare strings exactly already. On MariaDB and
    MySQL a ``VARCHAR`` takes the table's collation, which may fold case
    and accents and ignore trailing spaces (``utf8mb4_general_ci``): this
    type names a binary, no-pad collation instead, ``utf8mb4_nopad_bin``
    on MariaDB and ``utf8mb4_0900_bin`` on MySQL 8.0.17 and later.
    """

    impl = sa.String
    cache_ok = True

    def __init__(self, length):
        super().__init__(length)
        self.length = length

    def load_dialect_impl(self, dialect):
        if dialect.name == 'mysql':
            return dialect.type_descriptor(mysql.VARCHAR(
                self.length, charset='utf8mb4',
                collation=exact_collation(dialect)))
        return dialect.type_descriptor(sa.String(self.length))


def exact_collation(dialect):
    """The binary no-pad utf8mb4 collation of a MariaDB or MySQL server."""
    if getattr(dialect, 'is_mariadb', False):
        return 'utf8mb4_nopad_bin'
    return 'utf8mb4_0900_bin'


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime with microseconds on every backend.

    Stored as a naive UTC ``DATETIME(6)`` / ``TIMESTAMP`` and returned
    with ``tzinfo=UTC``; a naive value given to it is taken as UTC.
    """

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == 'mysql':
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(sa.DateTime())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo not in (None, datetime.timezone.utc):
            value = value.astimezone(datetime.timezone.utc)
        return value.replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=datetime.timezone.utc)
