"""The oslo.messaging batch endpoint: acknowledge only what is committed."""

import logging

from oslo_db import exception as db_exc
import oslo_messaging
from sqlalchemy import exc as sa_exc

from rintik import context as rintik_context
from rintik.notification import envelope

LOG = logging.getLogger(__name__)

# Errors after which the same batch may well succeed: requeue it. A lost
# connection is not always recognised by oslo.db (PostgreSQL's wording
# changed), so the driver-level operational errors count too.
TRANSIENT_DB_ERRORS = (db_exc.DBConnectionError, db_exc.DBDeadlock,
                       db_exc.DBDuplicateEntry, sa_exc.OperationalError,
                       sa_exc.InterfaceError)
_TRANSIENT_CAUSES = (sa_exc.OperationalError, sa_exc.InterfaceError)


def is_transient(error):
    """Whether the database may well accept the same work again soon."""
    if isinstance(error, TRANSIENT_DB_ERRORS):
        return True
    return isinstance(error, db_exc.DBError) and isinstance(
        error.inner_exception, _TRANSIENT_CAUSES)


class BatchEndpoint:
    """Receives batches of INFO notifications (Rintik bills nothing sent at
    another priority) and stores them in one transaction each."""

    def __init__(self, processor):
        self.processor = processor

    def info(self, messages):
        envelopes = [envelope.from_listener(message, 'info')
                     for message in messages]
        context = rintik_context.get_admin_context()
        try:
            outcome = self.processor.process(context, envelopes)
        except Exception as error:
            if is_transient(error):
                LOG.warning('Database unavailable (%s); requeueing %d '
                            'notifications', type(error).__name__,
                            len(envelopes))
                return oslo_messaging.NotificationResult.REQUEUE
            LOG.exception('Unexpected error storing a batch of %d '
                          'notifications; storing them one by one',
                          len(envelopes))
            return self._one_by_one(context, envelopes)
        LOG.debug('Batch of %d: %s', len(envelopes), outcome)
        return oslo_messaging.NotificationResult.HANDLED

    def _one_by_one(self, context, envelopes):
        """Store each envelope alone so that one that can never be stored
        goes to the quarantine instead of blocking the queue."""
        try:
            for single in envelopes:
                try:
                    self.processor.process(context, [single])
                except Exception as error:
                    if is_transient(error):
                        raise
                    self.processor.quarantine(
                        context, single, 'storage error: %s' %
                        type(error).__name__)
        except Exception:
            LOG.exception('Database unavailable; requeueing %d '
                          'notifications', len(envelopes))
            return oslo_messaging.NotificationResult.REQUEUE
        return oslo_messaging.NotificationResult.HANDLED
