"""Bad notifications among good ones, on MariaDB and PostgreSQL.

Batches mix the lifecycles' good notifications with poisons: an emoji in
publisher_id (on a good notification and on a bad one), a message_id of
300 characters, a volume size out of the quantity column's range and a
resource id longer than its column (deterministic SQL errors). Every
good one is stored, every bad one is quarantined with its reason and the
queue drains in bounded time; with the database unreachable (a proxy the
test owns) nothing is quarantined, and everything is stored once it is
back. Everything goes through an exchange of the test's own.
"""

import copy as copy_mod
import json
import time

from testtools import content

from rintik.db import quarantine
from rintik.db import usage
from rintik.tests.functional import lifecycles
from rintik.tests.functional import tcp_proxy
from rintik.tests.functional import test_monitor

load_tests = test_monitor.load_tests

EMOJI = '\U0001f4b8'
LONG_ID_REASON = 'message_id is longer than 255 characters'
# What each backend says of the SQL errors provoked.
SQL_ERRORS = {
    'mysql': {'out-of-range': "(1264, \"Out of range value for column "
                              "'quantity' at row 1\")",
              'long-resource-id': "(1406, \"Data too long for column "
                                  "'resource_id' at row 1\")"},
    'postgresql': {'out-of-range': 'numeric field overflow',
                   'long-resource-id': 'value too long for type '
                                       'character varying(64)'},
}


def _volume_create(copy):
    return next(message.envelope for message in lifecycles.stream(copy)
                if message.envelope['event_type'] == 'volume.create.end')


def poisons(copy):
    """{message_id: (envelope, what)} of the bad notifications of
    ``copy``."""
    found = {}

    def poison(what, message_id=None, **changes):
        envelope = copy_mod.deepcopy(_volume_create(copy))
        envelope['message_id'] = message_id or 'poison-%s-%04d' % (what,
                                                                  copy)
        payload = changes.pop('payload', {})
        envelope.update(changes)
        if isinstance(payload, dict):
            envelope['payload'].update(payload)
        else:
            envelope['payload'] = payload
        found[envelope['message_id']] = (envelope, what)

    poison('emoji', publisher_id='volume.' + EMOJI, payload='not JSON')
    poison('long-id', message_id='%04d-' % copy + 'x' * 295)
    poison('out-of-range', payload={'size': 10 ** 12,
                                    'volume_id': 'poison-%04d' % copy})
    poison('long-resource-id', payload={'volume_id': 'v' * 100})
    return found


def with_emoji_publisher(messages):
    """The good messages, every fifth with an emoji in publisher_id."""
    changed = []
    for index, message in enumerate(messages):
        if index % 5 == 0:
            message = lifecycles.Message(message.exchange, dict(
                message.envelope,
                publisher_id=message.envelope['publisher_id'] + EMOJI))
        changed.append(message)
    return changed


class PoisonTest(test_monitor.MonitorTestCase):

    def setUp(self):
        super().setUp()
        self.exchange = 'rintik_functional_%s' % self.pool.rsplit('-')[-1]
        self.addCleanup(self.bus.delete_exchange, self.exchange)

    def start_monitor(self, **options):
        return super().start_monitor(exchanges=self.exchange, batch_size=20,
                                     **options)

    def publish_mixed(self, copies):
        """Publish good and bad notifications of ``copies`` (a range)
        mixed on the test's exchange; the good ones (with their services'
        exchanges) and the bad ones."""
        goods = with_emoji_publisher([
            message for copy in copies
            for message in lifecycles.stream(copy) + lifecycles.resent(copy)])
        bad = {}
        for copy in copies:
            bad.update(poisons(copy))
        mixed = list(goods)
        for index, (envelope, _what) in enumerate(bad.values()):
            mixed.insert((index * 7919) % len(mixed),
                         lifecycles.Message(None, envelope))
        self.publish([lifecycles.Message(self.exchange, message.envelope)
                      for message in mixed])
        return goods, bad

    def expected_reason(self, what):
        if what == 'emoji':
            return 'payload has no JSON object'
        if what == 'long-id':
            return LONG_ID_REASON
        return SQL_ERRORS[self.engine.dialect.name][what]

    def assertIsolated(self, goods, bad, copies):
        """Every good notification stored (exactly the expected usage),
        every bad one quarantined with its reason."""
        self.expectSame(lifecycles.expected(copies), [
            test_monitor._interval_row(row)
            for row in usage.usage_intervals(self.context)],
            'usage intervals')
        self.expectSame(lifecycles.observed_ids(goods), self.stored_ids(),
                        'stored message ids')
        rows = quarantine.quarantined(self.context)
        by_id = {}
        for row in rows:
            message_id = (row.message_id if row.full_message_id is None
                          else json.loads(row.full_message_id))
            by_id[message_id] = row
        self.assertEqual(sorted(bad), sorted(by_id))
        for message_id, (envelope, what) in bad.items():
            row = by_id[message_id]
            self.assertIn(self.expected_reason(what), row.reason, what)
            kept = json.loads(row.envelope)
            for field in ('message_id', 'publisher_id', 'event_type',
                          'payload', 'timestamp'):
                self.assertEqual(envelope[field], kept[field], field)
            if what == 'emoji':
                self.assertEqual('volume.\\ud83d\\udcb8', row.publisher_id)

    def test_poison_isolated(self):
        copies = 8
        self.start_monitor()
        goods, bad = self.publish_mixed(range(copies))
        started = time.monotonic()
        self.wait_until_done(goods, timeout=120)
        self.addDetail('drained-in', content.text_content(
            '%.1f s' % (time.monotonic() - started)))
        self.assertIsolated(goods, bad, copies)

    def test_nothing_quarantined_while_the_database_is_away(self):
        copies = 3
        url = self.engine.url
        proxy = self.useFixture(tcp_proxy.TCPProxy(
            (url.host or 'localhost',
             url.port or test_monitor.DEFAULT_PORTS[url.get_backend_name()])))
        monitor = self.start_monitor(
            database_url=self.database_url(proxy.port), transient_attempts=2)
        # Copy 0 first, so that the monitor's engine is up (oslo.db retries
        # its very first connection for a long while).
        first, bad = self.publish_mixed(range(1))
        self.wait_for(lambda: (
            lifecycles.observed_ids(first) <= self.stored_ids() and
            self.quarantine_count() == len(bad)), 'copy 0 to be stored')
        stored = self.stored_ids()
        proxy.interrupt()
        goods, more_bad = self.publish_mixed(range(1, copies))
        self.wait_for(lambda: monitor.requeues() >= 10,
                      'the monitor to requeue', timeout=60)
        self.wait_for(lambda: 'Database probe failed' in monitor.log(),
                      'the monitor to probe the database', timeout=30)
        self.assertEqual(len(bad), self.quarantine_count())
        self.assertEqual(stored, self.stored_ids())
        proxy.resume()
        self.wait_until_done(first + goods, timeout=120)
        bad.update(more_bad)
        self.assertIsolated(first + goods, bad, copies)
