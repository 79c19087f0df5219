"""The oslo.messaging batch endpoint: acknowledge only what is committed.

A batch is stored in one transaction. When that fails:

* with a transient error (dberrors.is_transient) the batch is requeued,
  until one of its messages has failed ``[notification]
  transient_attempts`` times while the database answers a probe; then
  it is split as below. While the database does not answer, nothing is
  quarantined.
* with any other error, it is split: each message is stored alone, and
  one that fails is quarantined with the reason, so that it does not hold
  the others hostage.

Attempts are counted per message id in the worker's memory; they are
lost when the worker restarts, which only delays a split.
"""

import collections
import logging

import oslo_messaging

from rintik import context as rintik_context
from rintik.db import counters
from rintik.db import readiness
from rintik.notification import dberrors
from rintik.notification import envelope as envelope_mod

LOG = logging.getLogger(__name__)

HANDLED = oslo_messaging.NotificationResult.HANDLED
REQUEUE = oslo_messaging.NotificationResult.REQUEUE


class Attempts:
    """Failed attempts per message id, forgetting the oldest ids beyond
    ``capacity`` so that memory stays bounded."""

    def __init__(self, capacity=10000):
        self.capacity = capacity
        self._counts = collections.OrderedDict()

    def record(self, message_ids):
        """Count one more failure of each id; the highest count."""
        highest = 0
        for message_id in message_ids:
            count = self._counts.pop(message_id, 0) + 1
            self._counts[message_id] = count
            highest = max(highest, count)
        while len(self._counts) > self.capacity:
            self._counts.popitem(last=False)
        return highest

    def forget(self, message_ids):
        for message_id in message_ids:
            self._counts.pop(message_id, None)

    def __len__(self):
        return len(self._counts)


class BatchEndpoint:
    """Receives batches of INFO notifications (Rintik bills nothing sent at
    another priority) and stores them in one transaction each."""

    def __init__(self, processor, transient_attempts=5):
        self.processor = processor
        self.transient_attempts = transient_attempts
        self.attempts = Attempts()
        # Counter increments not yet added to the database's totals.
        self.unsaved = collections.Counter()

    def info(self, messages):
        envelopes = [envelope_mod.from_listener(message, 'info')
                     for message in messages]
        context = rintik_context.get_admin_context()
        result = self._store(context, envelopes)
        if result is HANDLED:
            self._save_counters(context)
        return result

    def _store(self, context, envelopes):
        ids = [envelope['message_id'] for envelope in envelopes]
        outcome, error = self._process(context, envelopes)
        if error is None:
            self._stored(ids, outcome)
            LOG.debug('Batch of %d: %s', len(envelopes), outcome)
            return HANDLED
        if not dberrors.is_transient(error):
            LOG.warning('Storing a batch of %d notifications failed (%s); '
                        'storing them one by one', len(envelopes),
                        dberrors.describe(error))
        elif self._keeps_failing(context, ids):
            LOG.warning('A batch of %d notifications failed %d times (%s) '
                        'while the database answers; storing them one by '
                        'one', len(envelopes), self.transient_attempts,
                        dberrors.describe(error))
        else:
            return self._requeue(envelopes, error)
        self.unsaved[counters.SPLIT] += 1
        return self._one_by_one(context, envelopes)

    def _process(self, context, envelopes):
        """(outcome, None), or (None, the error) if storing failed. The
        caller goes on outside the except block, so that what it logs
        does not carry this error."""
        try:
            return self.processor.process(context, envelopes), None
        except Exception as error:
            return None, error

    def _one_by_one(self, context, envelopes):
        """Store each envelope alone; one that cannot be stored goes to
        the quarantine. A transient error that is not (yet) persistent
        requeues the whole batch (what was stored is then a duplicate)."""
        quarantined = 0
        for single in envelopes:
            ids = [single['message_id']]
            outcome, error = self._process(context, [single])
            if error is None:
                self._stored(ids, outcome)
                continue
            if dberrors.is_transient(error) and \
                    not self._keeps_failing(context, ids):
                return self._requeue(envelopes, error)
            try:
                self.processor.quarantine(
                    context, single,
                    'storage error: %s' % dberrors.describe(error))
            except Exception as quarantine_error:
                LOG.error('Could not quarantine %s', ids[0])
                return self._requeue(envelopes, quarantine_error)
            self.attempts.forget(ids)
            quarantined += 1
        LOG.debug('Batch of %d: stored one by one, %d quarantined',
                  len(envelopes), quarantined)
        return HANDLED

    def _keeps_failing(self, context, ids):
        """Count a transient failure of ``ids``: whether one of them has
        now failed often enough, and the database answers, to stop
        retrying them together."""
        if self.attempts.record(ids) < self.transient_attempts:
            return False
        try:
            readiness.ping(context)
        except Exception as error:
            LOG.debug('Database probe failed: %s', dberrors.describe(error))
            return False
        return True

    def _requeue(self, envelopes, error):
        LOG.warning('Database error (%s); requeueing %d notifications',
                    dberrors.describe(error), len(envelopes))
        self.unsaved[counters.REQUEUED] += len(envelopes)
        return REQUEUE

    def _stored(self, ids, outcome):
        self.attempts.forget(ids)
        self.unsaved[counters.REDELIVERED] += outcome.duplicate

    def _save_counters(self, context):
        """Add the unsaved increments to the totals (one statement, none
        when there is nothing to add); kept for later if that fails."""
        increments = +self.unsaved
        if not increments:
            return
        try:
            counters.add(context, increments)
        except Exception as error:
            LOG.warning('Ingest counters not saved (%s); keeping them for '
                        'the next batch', dberrors.describe(error))
            return
        self.unsaved.clear()
