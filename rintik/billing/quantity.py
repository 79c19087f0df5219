"""Billable quantities derived from raw resource attributes."""

from decimal import Decimal

from rintik.billing import money

_BYTES_PER_GIB = Decimal(2) ** 30


def gib_from_bytes(size):
    """Return ``size`` bytes as an exact Decimal number of GiB (bytes/2^30)."""
    with money.exact_context():
        return Decimal(size) / _BYTES_PER_GIB
