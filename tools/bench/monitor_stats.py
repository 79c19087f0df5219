#!/usr/bin/env python3
"""rintik-monitor with instrumentation, for ``ingest.py --monitor-stats``.

Runs the real ``rintik.cmd.monitor.main`` after hooking (in this process
only, nothing in Rintik is changed):

* every SQL statement (SQLAlchemy cursor events): count, wall time and the
  CPU time of the calling thread, by statement kind and table, so that
  wall - CPU = time spent waiting (for MariaDB, and for the GIL);
* every ``BatchEndpoint.info`` call: count, messages, wall and thread CPU.

The worker process writes the totals as JSON to ``$RINTIK_BENCH_STATS``
(suffixed with its pid) every 10 batches and when it stops. With
``$RINTIK_BENCH_CPROFILE`` set, the endpoint calls also run under cProfile
with a thread-CPU-time clock (so waiting for MariaDB costs nothing) and the
profile is dumped (pstats format) to that path, suffixed with the pid.
"""

import collections
import cProfile
import json
import os
import re
import sys
import threading
import time

import rintik.cmd  # noqa: F401  (threading backend first, as the scripts)

from rintik.cmd import monitor  # noqa: I100
from rintik.notification import endpoint
import sqlalchemy as sa

STATS = collections.defaultdict(lambda: [0, 0, 0.0, 0.0])  # n, rows, wall, cpu
BATCHES = [0, 0, 0.0, 0.0]  # calls, messages, wall, cpu
LOCAL = threading.local()
WORDS = re.compile(r'^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s+(.*)',
                   re.S | re.I)


def _kind(statement, executemany):
    match = WORDS.match(statement)
    if not match:
        return statement.split()[0] if statement.split() else '?'
    verb, rest = match.groups()
    if verb.upper() == 'SELECT':
        table = re.search(r'\bFROM\s+(\w+)', rest, re.I)
        verb = 'SELECT%s' % (' FOR UPDATE' if 'FOR UPDATE' in rest else '')
        rest = table.group(1) if table else '?'
    else:
        rest = rest.split()[0]
    return '%s %s%s' % (verb.upper(), rest, ' (executemany)'
                        if executemany else '')


@sa.event.listens_for(sa.engine.Engine, 'before_cursor_execute')
def _before(conn, cursor, statement, parameters, context, executemany):
    LOCAL.started = (time.perf_counter(), time.thread_time())


@sa.event.listens_for(sa.engine.Engine, 'after_cursor_execute')
def _after(conn, cursor, statement, parameters, context, executemany):
    wall, cpu = LOCAL.started
    entry = STATS[_kind(statement, executemany)]
    entry[0] += 1
    entry[1] += len(parameters) if executemany else 1
    entry[2] += time.perf_counter() - wall
    entry[3] += time.thread_time() - cpu


PROFILE_PATH = os.environ.get('RINTIK_BENCH_CPROFILE')
PROFILER = cProfile.Profile(time.thread_time) if PROFILE_PATH else None


def _dump():
    if PROFILER is not None:
        PROFILER.dump_stats('%s.%d' % (PROFILE_PATH, os.getpid()))
    path = os.environ.get('RINTIK_BENCH_STATS')
    if not path:
        return
    data = {'batches': BATCHES, 'statements': dict(STATS)}
    with open('%s.%d' % (path, os.getpid()), 'w') as stream:
        json.dump(data, stream)


_info = endpoint.BatchEndpoint.info


def _timed_info(self, messages):
    wall, cpu = time.perf_counter(), time.thread_time()
    if PROFILER is not None:
        PROFILER.enable()
    try:
        return _info(self, messages)
    finally:
        if PROFILER is not None:
            PROFILER.disable()
        BATCHES[0] += 1
        BATCHES[1] += len(messages)
        BATCHES[2] += time.perf_counter() - wall
        BATCHES[3] += time.thread_time() - cpu
        if BATCHES[0] % 10 == 0:
            _dump()


endpoint.BatchEndpoint.info = _timed_info
_stop = monitor.monitor_service.MonitorService.stop


def _stop_and_dump(self, graceful=True):
    try:
        return _stop(self, graceful)
    finally:
        _dump()


monitor.monitor_service.MonitorService.stop = _stop_and_dump

if __name__ == '__main__':
    sys.argv[0] = 'rintik-monitor'
    sys.exit(monitor.main())
