"""rintik-manage commands of metering: replay, quarantine, usage, handler."""

import os

from oslo_log import log
from oslo_serialization import jsonutils

from rintik.common import resource_types
from rintik import context as rintik_context
from rintik.db import changes
from rintik.db import quarantine
from rintik.db import usage
from rintik.handlers import manager
from rintik.manage import base
from rintik.notification import processor
from rintik.rating import unpriced

LOG = log.getLogger(__name__)

REPLAY_SOURCE = 'replay'


def _files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    if name.endswith(('.json', '.jsonl')):
                        yield os.path.join(root, name)
        elif os.path.exists(path):
            yield path
        else:
            raise base.CommandError('%s does not exist' % path)


def _unwrap(document):
    """A message body as read from RabbitMQ becomes its envelope."""
    if isinstance(document, dict) and 'oslo.message' in document:
        return jsonutils.loads(document['oslo.message'])
    return document


def _is_envelope(item):
    return isinstance(item, dict) and 'event_type' in item and \
        'payload' in item


def read_envelopes(paths):
    """Envelopes from JSON files (an object or an array), JSON-lines files
    and directories of them, in file order. Documents that are not
    notifications (no ``event_type`` and ``payload``) are skipped with a
    warning."""
    for path in _files(paths):
        with open(path, encoding='utf-8') as stream:
            text = stream.read()
        try:
            documents = [jsonutils.loads(text)]
        except ValueError:
            try:
                documents = [jsonutils.loads(line)
                             for line in text.splitlines() if line.strip()]
            except ValueError:
                raise base.CommandError('%s is neither JSON nor JSON lines'
                                        % path)
        skipped = 0
        for document in documents:
            for item in document if isinstance(document, list) else \
                    [document]:
                item = _unwrap(item)
                if _is_envelope(item):
                    yield item
                else:
                    skipped += 1
        if skipped:
            LOG.warning('Skipped %d documents of %s that are not '
                        'notifications', skipped, path)


def _batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class ReplayCommand:
    description = 'Feed notifications from files without a broker.'

    def __init__(self, conf):
        self.conf = conf

    @base.args('paths', nargs='+', metavar='PATH',
               help='JSON, JSON-lines files or directories of them.')
    def __call__(self, paths):
        proc = processor.Processor(manager.HandlerSet(self.conf),
                                   source=REPLAY_SOURCE)
        context = rintik_context.get_admin_context()
        started = changes.mark(context)
        totals = dict(read=0, handled=0, ignored=0, quarantined=0)
        for batch in _batches(read_envelopes(paths),
                              self.conf.notification.batch_size):
            outcome = proc.process(context, batch)
            totals['read'] += len(batch)
            totals['handled'] += outcome.stored + outcome.duplicate
            totals['ignored'] += outcome.ignored
            totals['quarantined'] += outcome.quarantined
        changed = changes.since(context, REPLAY_SOURCE, started)
        print(replay_report(totals, changed))


def replay_report(totals, changed):
    """What a replay changed: new observations and re-derived usage; the
    other notifications were stored before (or carry no usage, as a
    project's), ignored (no handler) or quarantined."""
    return ('Replayed %d notifications: %d new observations, usage '
            'changed for %d resources; %d already stored or without usage, '
            '%d ignored, %d quarantined' % (
                totals['read'], changed.observations, changed.resources,
                totals['handled'] - changed.notifications,
                totals['ignored'], totals['quarantined']))


class QuarantineCommands:
    description = 'Notifications that could not be processed.'

    def __init__(self, conf):
        self.conf = conf

    @base.FORMAT_ARG
    def list(self, format):
        """Quarantined messages with their reason."""
        rows = [{'id': row.id, 'message_id': row.message_id,
                 'event_type': row.event_type, 'reason': row.reason,
                 'created_at': base.format_time(row.created_at)}
                for row in quarantine.quarantined(
                    rintik_context.get_admin_context())]
        base.output(format, ('id', 'message_id', 'event_type', 'reason',
                             'created_at'), rows)

    @base.args('ids', nargs='*', type=int, metavar='ID')
    @base.args('--all', dest='retry_all', action='store_true',
               help='Retry every quarantined message.')
    def retry(self, ids, retry_all):
        """Feed quarantined messages through the handlers again."""
        if bool(ids) == retry_all:
            raise base.CommandError('Give message ids or --all.')
        context = rintik_context.get_admin_context()
        rows = quarantine.quarantined(context, None if retry_all else ids)
        missing = set(ids) - set(row.id for row in rows)
        if missing:
            raise base.CommandError('No quarantined message %s' % ', '.join(
                str(i) for i in sorted(missing)))
        proc = processor.Processor(manager.HandlerSet(self.conf))
        released = []
        for row in rows:
            outcome = proc.process(context, [jsonutils.loads(row.envelope)])
            if not outcome.quarantined:
                released.append(row.id)
        quarantine.release_quarantined(context, released)
        print('%d of %d quarantined messages processed' % (len(released),
                                                           len(rows)))


class UsageCommands:
    description = 'Metered usage.'

    def __init__(self, conf):
        self.conf = conf

    @base.args('--project-id')
    @base.args('--resource-id')
    @base.args('--resource-type', choices=resource_types.NAMES)
    @base.FORMAT_ARG
    def list(self, project_id, resource_id, resource_type, format):
        """Usage intervals."""
        base.output(format, USAGE_COLUMNS, [
            usage_row(row) for row in usage.usage_intervals(
                rintik_context.get_admin_context(), project_id,
                resource_id, resource_type)])

    @base.FORMAT_ARG
    def unpriced(self, format):
        """Usage with no price."""
        base.output(format, USAGE_COLUMNS, [
            usage_row(row) for row in unpriced.unpriced_usage(
                rintik_context.get_admin_context())])


USAGE_COLUMNS = ('resource_type', 'resource_id', 'project_id', 'price_key',
                 'quantity', 'start', 'end')


def usage_row(row):
    """An interval as ``usage list`` prints it (CLI.md's JSON keys)."""
    return {'resource_id': row.resource_id,
            'resource_type': row.resource_type,
            'project_id': row.project_id,
            'price_key': row.price_key,
            'quantity': str(row.quantity),
            'start': base.format_time(row.start),
            'end': base.format_time(row.end)}


class HandlerCommands:
    description = 'Notification handler plugins.'

    def __init__(self, conf):
        self.conf = conf

    def list(self):
        """Available and enabled notification handlers."""
        enabled = set(self.conf.notification.enabled_handlers)
        base.print_table(('handler', 'enabled'), [
            {'handler': name, 'enabled': 'yes' if name in enabled else 'no'}
            for name in manager.available_handlers()])
