"""The quarantine keeps any message, whatever its ids and characters."""

import hashlib

from oslo_serialization import jsonutils

from rintik.db import quarantine
from rintik.db import usage
from rintik.handlers import manager
from rintik.metering import ingest
from rintik.notification import processor
from rintik.tests import base

EMOJI = '\U0001f4b8'
LONG_ID = 'm' * 300


def envelope(message_id='m-1', **fields):
    return dict({'message_id': message_id, 'event_type': 'volume.create.end',
                 'publisher_id': 'volume.host1', 'priority': 'INFO',
                 'timestamp': '2026-03-01 10:00:00',
                 'payload': {'volume_id': 'v-1', 'size': 1}}, **fields)


class TestQuarantineRows(base.DbTestCase):

    def quarantine(self, *envelopes, reason='bad'):
        ingest.quarantine(self.context, [(item, reason)
                                         for item in envelopes])
        return quarantine.quarantined(self.context)

    def test_plain_id_is_the_key(self):
        [row] = self.quarantine(envelope())
        self.assertEqual(('m-1', None, 'volume.create.end', 'volume.host1',
                          'INFO', 'bad'),
                         (row.message_id, row.full_message_id,
                          row.event_type, row.publisher_id, row.priority,
                          row.reason))
        self.assertEqual(envelope(), jsonutils.loads(row.envelope))

    def test_long_id_keyed_by_hash_and_kept_in_full(self):
        [row] = self.quarantine(envelope(LONG_ID), envelope(LONG_ID))
        self.assertEqual('sha256:' + hashlib.sha256(
            LONG_ID.encode()).hexdigest(), row.message_id)
        self.assertEqual(LONG_ID, jsonutils.loads(row.full_message_id))
        self.assertEqual(envelope(LONG_ID), jsonutils.loads(row.envelope))

    def test_non_ascii_everywhere_is_stored_as_ascii_losslessly(self):
        """An emoji (4 bytes in UTF-8) would fail a utf8mb3 connection:
        every text column is ASCII, the envelope decodes to the original."""
        odd = envelope('id-' + EMOJI, publisher_id='compute.' + EMOJI,
                       event_type='volume.create.end' + EMOJI,
                       payload={'display_name': EMOJI + '\x00\ud800'})
        [row] = self.quarantine(odd, reason='why ' + EMOJI)
        self.assertEqual(odd, jsonutils.loads(row.envelope))
        self.assertEqual('id-' + EMOJI, jsonutils.loads(row.full_message_id))
        self.assertTrue(row.message_id.startswith('sha256:'))
        self.assertEqual('compute.\\ud83d\\udcb8', row.publisher_id)
        self.assertEqual('volume.create.end\\ud83d\\udcb8', row.event_type)
        self.assertEqual('why \\ud83d\\udcb8', row.reason)
        for text in (row.message_id, row.full_message_id, row.publisher_id,
                     row.event_type, row.reason, row.envelope):
            self.assertTrue(text.isascii(), text)

    def test_long_escaped_text_cut_between_escapes(self):
        # 250 ASCII characters, then emoji: 6-character escapes.
        odd = envelope(publisher_id='p' * 250 + EMOJI * 3,
                       priority=EMOJI * 5)
        [row] = self.quarantine(odd)
        self.assertEqual('p' * 250, row.publisher_id)
        # 16 characters hold two whole escapes of 6, not a third.
        self.assertEqual('\\ud83d\\udcb8', row.priority)
        self.assertEqual(odd, jsonutils.loads(row.envelope))

    def test_non_string_fields_are_null(self):
        [row] = self.quarantine(envelope(publisher_id=7, event_type=None))
        self.assertEqual((None, None), (row.publisher_id, row.event_type))


class TestLongMessageId(base.DbTestCase):

    def test_quarantined_before_storage(self):
        proc = processor.Processor(manager.HandlerSet(self.conf))
        outcome = proc.process(self.context, [envelope(LONG_ID)])
        self.assertEqual(processor.Outcome(0, 0, 0, 1), outcome)
        [row] = quarantine.quarantined(self.context)
        self.assertEqual('message_id is longer than 255 characters',
                         row.reason)
        self.assertEqual([], usage.usage_intervals(self.context))
