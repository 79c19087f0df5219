"""A gzip member from a part compressed per response and one reused."""

import gzip
import zlib

from rintik.api import gzip_parts
from rintik.tests import base


class ZerosOperatorTest(base.TestCase):

    def test_combines_the_crc_of_two_parts(self):
        head = b'# HELP rintik_x Help.\n'
        for tail in (b'', b'a', b'x' * 7, bytes(range(256)) * 1001):
            self.assertEqual(
                zlib.crc32(head + tail),
                gzip_parts._times(gzip_parts.zeros_operator(len(tail)),
                                  zlib.crc32(head)) ^ zlib.crc32(tail))


class GzipChunksTest(base.TestCase):

    def _read(self, chunks):
        """The data of exactly one gzip member, with its CRC and size
        checked."""
        member = b''.join(chunks)
        reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = reader.decompress(member)
        self.assertTrue(reader.eof)
        self.assertEqual(b'', reader.unused_data)
        self.assertEqual(data, gzip.decompress(member))
        return data

    def test_head_then_the_reused_tail(self):
        tail = gzip_parts.Compressed(b'rintik_y{project_id="p"} 1.0\n' * 5000)
        for head in (b'', b'rintik_x 0.0\n', b'\x00' * 70000):
            chunks = gzip_parts.gzip_chunks(head, tail)
            self.assertIs(tail.deflated, chunks[1])
            self.assertEqual(
                head + b'rintik_y{project_id="p"} 1.0\n' * 5000,
                self._read(chunks))

    def test_empty_tail(self):
        self.assertEqual(b'rintik_x 0.0\n', self._read(
            gzip_parts.gzip_chunks(b'rintik_x 0.0\n',
                                   gzip_parts.Compressed(b''))))
