#!/usr/bin/env python3
"""One-resource burst benchmark: the cost of a notification as the
resource's history grows, in order and out of order.

Not a test: it needs a database server of a development host (or SQLite)
and prints figures. See tools/bench/README.rst.

In-process (no message bus): real ``volume.update.end`` envelopes go
through the monitor's Processor (handlers, then the ingest transaction),
``--batch`` of them per transaction, as the monitor's batches.

1. **In order**: ``--count`` notifications for one volume, a minute
   apart, whose size alternates (every notification starts a new usage
   interval: the history grows by one interval each).
2. **Out of order**: ``--count`` more, later in time, delivered with
   their batches swapped in pairs: every other batch is late (it comes
   after the batch that follows it in time), by one batch.
3. **Anchor** (same run): a second volume with a short history
   (``--anchor-history`` notifications in order) receives ``--anchor``
   notifications in the same swapped order: the cost of a late batch
   when the history is short.

Per slice of ``--slices`` notifications it prints the time per
notification and the history length, then the phases' totals, the last
slice of phase 2 beside the anchor, and the load average. A cost
independent of the history keeps phase 2's slices flat and near the
anchor.
"""

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import benchdb  # noqa: H306 (a module of this folder)

VENV_BIN = os.path.dirname(sys.executable)
START = datetime.datetime(2026, 1, 1)


def envelope(volume_id, index, size, when):
    """A ``volume.update.end`` notification as the listener delivers it."""
    return {
        'event_type': 'volume.update.end',
        'publisher_id': 'volume.bench@lvm',
        'timestamp': when.strftime('%Y-%m-%d %H:%M:%S.%f'),
        'priority': 'INFO',
        'message_id': '%s-%07d' % (volume_id, index),
        'payload': {'volume_id': volume_id, 'tenant_id': 'bench-project',
                    'user_id': 'bench-user', 'display_name': 'burst',
                    'status': 'available', 'size': size,
                    'volume_type': 'bench-type', 'availability_zone': 'nova',
                    'created_at': START.isoformat(), 'metadata': []},
        'ctxt': {},
    }


def notifications(volume_id, first, count):
    """``count`` notifications from number ``first`` on, a minute apart,
    alternating size."""
    return [envelope(volume_id, index, 1 + index % 2,
                     START + datetime.timedelta(minutes=index))
            for index in range(first, first + count)]


def batches(items, size):
    return [items[index:index + size] for index in range(0, len(items),
                                                           size)]


def swapped(groups):
    """The batches with each pair swapped: every other batch is late."""
    order = []
    for index in range(0, len(groups) - 1, 2):
        order.extend([groups[index + 1], groups[index]])
    if len(groups) % 2:
        order.append(groups[-1])
    return order


class Phase:
    """Times the batches of one phase, per slice of notifications."""

    def __init__(self, name, processor, context, slice_size, history):
        self.name = name
        self.processor = processor
        self.context = context
        self.slice_size = slice_size
        self.history = history
        self.slices = []
        self.total = 0.0

    def run(self, groups):
        done, elapsed = 0, 0.0
        for group in groups:
            began = time.perf_counter()
            outcome = self.processor.process(self.context, group)
            spent = time.perf_counter() - began
            assert outcome.stored == len(group), outcome
            elapsed += spent
            self.total += spent
            done += len(group)
            self.history += len(group)
            if done >= self.slice_size:
                self.slices.append((self.history, 1e3 * elapsed / done))
                print('  %-13s history %6d: %7.3f ms per notification'
                      % (self.name, self.history, 1e3 * elapsed / done),
                      flush=True)
                done, elapsed = 0, 0.0
        if done:
            self.slices.append((self.history, 1e3 * elapsed / done))
        return self


def prepare(args, workdir):
    database = benchdb.database(args, workdir)
    conf_file = os.path.join(workdir, 'rintik.conf')
    with open(conf_file, 'w') as stream:
        stream.write('[database]\nconnection = %s\n' % database.url)
    database.recreate()
    subprocess.run([os.path.join(VENV_BIN, 'rintik-manage'), '--config-file',
                    conf_file, 'db', 'sync'], check=True,
                   stdout=subprocess.DEVNULL)
    database.prepare()
    return database, conf_file


def measure(args, conf_file):
    import rintik.cmd  # noqa: F401  (threading backend first)

    from rintik import conf  # noqa: I100
    from rintik import context as rintik_context
    from rintik.db import engine as db_engine
    from rintik.handlers import manager
    from rintik.notification import processor as processor_mod
    from rintik import service

    service.prepare_service(['rintik-bench', '--config-file', conf_file])
    db_engine.configure(conf.CONF)
    context = rintik_context.get_admin_context()
    processor = processor_mod.Processor(manager.HandlerSet(conf.CONF))
    load_before = os.getloadavg()[0]
    print('volume vol-burst: %d in order, then %d out of order (batches of '
          '%d, swapped in pairs)' % (args.count, args.count, args.batch),
          flush=True)
    in_order = Phase('in order', processor, context, args.slice, 0).run(
        batches(notifications('vol-burst', 0, args.count), args.batch))
    late = Phase('out of order', processor, context, args.slice,
                 in_order.history).run(swapped(batches(notifications(
                     'vol-burst', args.count, args.count), args.batch)))
    print('anchor vol-short: %d in order, then %d out of order'
          % (args.anchor_history, args.anchor), flush=True)
    short = Phase('short history', processor, context, args.anchor, 0).run(
        batches(notifications('vol-short', 0, args.anchor_history),
                args.batch))
    anchor = Phase('anchor', processor, context, args.anchor,
                   short.history).run(swapped(batches(notifications(
                       'vol-short', args.anchor_history, args.anchor),
                       args.batch)))
    load_after = os.getloadavg()[0]
    anchor_ms = 1e3 * anchor.total / args.anchor
    last_ms = late.slices[-1][1]
    first_ms = late.slices[0][1]
    print()
    print('in order      %5d notifications %7.2f s (%.3f ms each)' % (
        args.count, in_order.total, 1e3 * in_order.total / args.count))
    print('out of order  %5d notifications %7.2f s (%.3f ms each)' % (
        args.count, late.total, 1e3 * late.total / args.count))
    print('out of order, last slice / first slice: %.2f '
          '(%.3f / %.3f ms per notification)' % (
              last_ms / first_ms, last_ms, first_ms))
    print('anchor (history %d, same late batches): %.3f ms per '
          'notification; last slice / anchor: %.2f' % (
              args.anchor_history, anchor_ms, last_ms / anchor_ms))
    print('median in-order slice %.3f ms; load average %.1f before, %.1f '
          'after, on %d CPUs; backend %s' % (
              statistics.median(ms for _h, ms in in_order.slices),
              load_before, load_after, os.cpu_count(), args.backend))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--count', type=int, default=5000,
                        help='notifications per phase (default 5000)')
    parser.add_argument('--batch', type=int, default=100,
                        help='notifications per transaction (default 100)')
    parser.add_argument('--slice', type=int, default=1000,
                        help='notifications per printed slice')
    parser.add_argument('--anchor-history', type=int, default=200)
    parser.add_argument('--anchor', type=int, default=1000,
                        help='late notifications of the anchor')
    parser.add_argument('--keep', action='store_true')
    benchdb.add_arguments(parser, 'rintik_bench_burst', backends=True)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    workdir = tempfile.mkdtemp(prefix='rintik-bench-burst-')
    database, conf_file = prepare(args, workdir)
    try:
        measure(args, conf_file)
    finally:
        if not args.keep:
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
