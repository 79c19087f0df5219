"""From envelopes to stored usage: the work shared by the monitor, replay
and quarantine retry. No message bus here."""

import collections
import logging

from rintik import exception
from rintik.metering import ingest
from rintik.notification import envelope as envelope_mod

LOG = logging.getLogger(__name__)

# What an observation's message_id column holds.
MESSAGE_ID_LENGTH = 255

Outcome = collections.namedtuple('Outcome', 'stored duplicate ignored '
                                            'quarantined')


class Processor:
    """Turns batches of envelopes into facts and stores them."""

    def __init__(self, handlers, source='notification'):
        self.handlers = handlers
        self.source = source

    def classify(self, envelopes):
        """Split ``envelopes`` into records to store (ingest.Records),
        the number of ignored envelopes and (envelope, reason) pairs to
        quarantine."""
        records, ignored, quarantined = [], 0, []
        for envelope in envelopes:
            event_type = envelope.get('event_type')
            handler = (self.handlers.handler_for(event_type)
                       if isinstance(event_type, str) else None)
            if handler is None:
                ignored += 1
                continue
            envelope = envelope_mod.with_message_id(envelope)
            if len(envelope['message_id']) > MESSAGE_ID_LENGTH:
                quarantined.append((envelope, 'message_id is longer than '
                                    '%d characters' % MESSAGE_ID_LENGTH))
                continue
            try:
                records.append(ingest.Record(
                    envelope['message_id'], event_type,
                    envelope_mod.event_time(envelope),
                    handler.facts(event_type, envelope.get('payload'))))
            except exception.InvalidNotification as error:
                quarantined.append((envelope, str(error)))
            except Exception as error:
                LOG.exception('Handler %s failed on %s %s',
                              type(handler).__name__, event_type,
                              envelope['message_id'])
                quarantined.append((envelope, 'handler error: %s: %s' % (
                    type(error).__name__, error)))
        return records, ignored, quarantined

    def process(self, context, envelopes):
        """Store the effect of ``envelopes`` in one transaction.

        Database errors propagate: the caller decides to requeue.
        """
        records, ignored, quarantined = self.classify(envelopes)
        for envelope, reason in quarantined:
            LOG.warning('Quarantined %s %s: %s', envelope.get('event_type'),
                        envelope['message_id'], reason)
        stored = 0
        if records or quarantined:
            stored = ingest.store(context, records, quarantined,
                                  source=self.source)
        return Outcome(stored, len(records) - stored, ignored,
                       len(quarantined))

    def quarantine(self, context, envelope, reason):
        """Keep one envelope in the quarantine with ``reason``."""
        envelope = envelope_mod.with_message_id(envelope)
        LOG.warning('Quarantined %s %s: %s', envelope.get('event_type'),
                    envelope['message_id'], reason)
        ingest.quarantine(context, [(envelope, reason)])
