"""One gzip member (RFC 1952) made of a small part compressed for each
response and a large part compressed once and reused after it.

The small part's deflate blocks end on a sync flush (byte-aligned, not
final) and the large part's stream starts afresh, so they read as one
deflate stream; the trailer's CRC-32 of both is combined from theirs
(zlib's crc32_combine) without reading the large part again. Every gzip
reader, including those that stop after the first member, reads it.
"""

import struct
import zlib

# Fastest: the exposition compresses about 5:1 at any level.
LEVEL = 1
# Magic, deflate, no flags, no modification time, no extra flags, OS
# unknown.
HEADER = b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff'
# The CRC-32 polynomial (reflected) and the operator of one zero bit.
_ONE_ZERO_BIT = [0xedb88320] + [1 << bit for bit in range(31)]


def _times(matrix, vector):
    """A 32x32 GF(2) matrix (one int per column) times a 32-bit vector."""
    total = 0
    for column in matrix:
        if not vector:
            break
        if vector & 1:
            total ^= column
        vector >>= 1
    return total


def _after(first, second):
    """The operator of ``first`` then ``second``."""
    return [_times(second, column) for column in first]


def zeros_operator(length):
    """The operator that moves a CRC-32 over ``length`` zero bytes:
    crc32(a + b) == _times(zeros_operator(len(b)), crc32(a)) ^
    crc32(b)."""
    operator = [1 << bit for bit in range(32)]
    power = _ONE_ZERO_BIT
    for _bits in range(3):
        power = _after(power, power)
    while length:
        if length & 1:
            operator = _after(operator, power)
        length >>= 1
        if length:
            power = _after(power, power)
    return operator


class Compressed:
    """``data`` compressed once, ready to end a gzip member."""

    def __init__(self, data):
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self.deflated = compressor.compress(data) + compressor.flush()
        self.crc = zlib.crc32(data)
        self.size = len(data)
        self.shift = zeros_operator(len(data))


def gzip_chunks(head, tail):
    """The gzip member of ``head`` (bytes) followed by ``tail``'s data (a
    Compressed), as chunks to send in order; ``tail`` is not copied."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = compressor.compress(head) + compressor.flush(
        zlib.Z_SYNC_FLUSH)
    crc = _times(tail.shift, zlib.crc32(head)) ^ tail.crc
    trailer = struct.pack('<II', crc, (len(head) + tail.size) & 0xffffffff)
    return [HEADER + deflated, tail.deflated, trailer]
