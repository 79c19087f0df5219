#!/usr/bin/env python3
"""Rollover benchmark: how long ``rintik-manage invoice-rollover`` takes,
and how much memory it needs, to close one month of 10,000 projects with
20 resources each on MariaDB.

Not a test: it needs the MariaDB of a development host and prints
figures. See tools/bench/README.rst.

Every run:

1. creates a fresh database (``--db-name``, default
   ``rintik_bench_rollover``) and runs ``rintik-manage db sync``;
2. bulk-loads, with SQLAlchemy core multi-row inserts straight into the
   tables (no notifications, no observations: the rollover reads only
   projects, resources and usage intervals), a month of realistic usage:
   per project 8 instances, 4 volumes, 2 floating IPs, 1 router,
   2 snapshots and 3 images, all started in the benchmarked month, about
   a quarter of them ended, about one in seven resized (two intervals);
   a rate card with a version for every key (monthly caps on the larger
   flavors, floating IPs and routers; one hourly price change in the
   middle of the month), one billing window opened before the data and
   ``invoice_tax`` = 11;
3. runs ``rintik-manage invoice-rollover --now <first day of the next
   month, 00:07 UTC>`` as a subprocess, timing it and taking its peak
   resident set size from the kernel (``wait4`` rusage of that child);
4. runs it a second time (idempotent: nothing to do) and times it;
5. measures an anchor in the same run: a plain Core read of the usage
   rows and a Core executemany of the segments the rollover wrote;
6. prints the figures beside the anchor and the load average, and the
   target check (< 30 s, < 1 GiB); optionally profiles
   ``rintik.rating.rollover.run`` in-process (``--profile``, with the
   statements it sent by kind), then drops the database (unless
   ``--keep``).
"""

import argparse
import collections
import cProfile
import datetime
import decimal
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

from rintik.db import models

import benchdb  # noqa: H306 (a module of this folder)

HERE = os.path.dirname(os.path.abspath(__file__))
VENV_BIN = os.path.dirname(sys.executable)
MANAGE = os.path.join(VENV_BIN, 'rintik-manage')

UTC = datetime.timezone.utc
D = decimal.Decimal
GIB = 2 ** 30

TARGET_SECONDS = 30
TARGET_MIB = 1024

# flavor id -> (hourly, monthly or None, weight)
FLAVORS = {
    '1': (D('0.0058'), None, 2),
    '2': (D('0.0232'), None, 5),
    '3': (D('0.0464'), D('30.00'), 5),
    '4': (D('0.0928'), D('60.00'), 3),
    '5': (D('0.1856'), D('120.00'), 1),
}
# The hourly price of this flavor changes in the middle of the month.
CHANGED_FLAVOR = '2'
CHANGED_HOURLY = D('0.0250')
# volume type id -> hourly price per GB
VOLUME_TYPES = {
    '3706aa72-cb65-4971-83e8-48e1477efd1d': D('0.00013889'),
    'a16c8514-616f-4d40-baf7-eb8c8fb18677': D('0.00027778'),
    '5c1b4b8e-54a1-4fd8-9d5b-2f1b1f0b9d3e': D('0.00041667'),
}
VOLUME_SIZES = [1, 5, 10, 20, 40, 50, 100, 200, 500]
# single-price kinds -> (hourly, monthly or None)
SINGLE_PRICES = {
    'floating_ip': (D('0.005'), D('3.00')),
    'router': (D('0.0125'), D('7.50')),
    'snapshot': (D('0.000069'), None),
    'image': (D('0.00003'), None),
}
# resources of each project, by type (20 in all)
MIX = [('instance', 8), ('volume', 4), ('floating_ip', 2), ('router', 1),
       ('snapshot', 2), ('image', 3)]
ENDED = 0.25      # share of resources whose usage ends in the month
RESIZED = 0.15    # share of instances and volumes resized (two intervals)
RETIRED = 0.01    # share of projects retired (all usage ended) in the month

# --------------------------------------------------------------------------
# Data


class Generator:
    """A month of usage for ``projects`` projects, deterministic per seed."""

    def __init__(self, projects, seed, month_start, month_end):
        self.rng = random.Random(seed)
        self.projects = projects
        self.month_start = month_start
        self.month_end = month_end
        self.seconds = int((month_end - month_start).total_seconds())
        self.flavor_keys = list(FLAVORS)
        self.flavor_weights = [FLAVORS[key][2] for key in self.flavor_keys]

    def _uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _moment(self, low, high):
        """A whole-second instant in [low, high) seconds of the month."""
        return self.month_start + datetime.timedelta(
            seconds=self.rng.randrange(low, high))

    def _flavor(self):
        return self.rng.choices(self.flavor_keys, self.flavor_weights)[0]

    def _attributes(self, resource_type):
        """(price_key, quantity) of a new resource."""
        if resource_type == 'instance':
            return self._flavor(), D(1)
        if resource_type == 'volume':
            return (self.rng.choice(list(VOLUME_TYPES)),
                    D(self.rng.choice(VOLUME_SIZES)))
        if resource_type == 'snapshot':
            return None, D(self.rng.choice(VOLUME_SIZES[:6]))
        if resource_type == 'image':
            # Qcow2/raw images: a whole number of 64 KiB clusters, so the
            # quantity is a fraction of a GiB (exact in 30 decimals).
            size = self.rng.randrange(160, 160000) * 65536
            return None, D(size) / D(GIB)
        return None, D(1)

    def _resized(self, resource_type, price_key, quantity):
        if resource_type == 'instance':
            bigger = [key for key in self.flavor_keys if key > price_key]
            return (self.rng.choice(bigger) if bigger else '1'), quantity
        bigger = [size for size in VOLUME_SIZES if size > quantity]
        return price_key, D(self.rng.choice(bigger) if bigger else 1000)

    def generate(self):
        """Yield (project row, [(resource row, [interval rows])])."""
        third = self.seconds // 3
        for index in range(self.projects):
            project_id = uuid.UUID(int=self.rng.getrandbits(128),
                                   version=4).hex
            retired = self.rng.random() < RETIRED
            resources = []
            for resource_type, count in MIX:
                for number in range(count):
                    resources.append(self._resource(
                        project_id, resource_type, number, third, retired))
            known_since = min(rows[0]['start'] for _r, rows in resources)
            retired_at = None
            if retired:
                retired_at = max(rows[-1]['end'] for _r, rows in resources)
                retired_at += datetime.timedelta(minutes=5)
            yield ({'project_id': project_id, 'known_since': known_since,
                    'retired_at': retired_at}, resources)

    def _resource(self, project_id, resource_type, number, third, retired):
        # A third of the resources run from the first second of the month
        # (they existed before billing started counting them), the others
        # start during its first two thirds.
        if self.rng.random() < 0.33:
            start = self.month_start
        else:
            start = self._moment(0, 2 * third)
        offset = int((start - self.month_start).total_seconds())
        ends = retired or self.rng.random() < ENDED
        end = self._moment(offset + 3600, self.seconds) if ends else None
        price_key, quantity = self._attributes(resource_type)
        resource = {'resource_type': resource_type,
                    'resource_id': self._uuid(),
                    'project_id': project_id,
                    'name': '%s-%d' % (resource_type, number)}
        rows = []
        if (resource_type in ('instance', 'volume') and
                self.rng.random() < RESIZED):
            stop = self.seconds if end is None else int(
                (end - self.month_start).total_seconds())
            cut = self._moment(offset + 60, max(offset + 61, stop - 60))
            rows.append(self._interval(project_id, price_key, quantity,
                                       start, cut))
            start = cut
            price_key, quantity = self._resized(resource_type, price_key,
                                                quantity)
        rows.append(self._interval(project_id, price_key, quantity, start,
                                   end))
        return resource, rows

    @staticmethod
    def _interval(project_id, price_key, quantity, start, end):
        return {'project_id': project_id, 'price_key': price_key,
                'quantity': quantity, 'start': start, 'end': end}


def rate_card(month_start, month_end, now):
    """(price key rows, version rows) of the rate card."""
    before = month_start - datetime.timedelta(days=30)
    keys, versions = [], []

    def add(kind, key, hourly, monthly, effective_from=before):
        if (kind, key) not in [(k['kind'], k['key']) for k in keys]:
            keys.append({'id': len(keys) + 1, 'kind': kind, 'key': key,
                         'created_at': before, 'updated_at': before})
        key_id = next(k['id'] for k in keys
                      if (k['kind'], k['key']) == (kind, key))
        versions.append({'price_key_id': key_id,
                         'effective_from': effective_from, 'hourly': hourly,
                         'monthly': monthly, 'ended': False,
                         'created_at': min(effective_from, before)})

    for flavor, (hourly, monthly, _weight) in FLAVORS.items():
        add('flavor', flavor, hourly, monthly)
    for volume_type, hourly in VOLUME_TYPES.items():
        add('volume', volume_type, hourly, None)
    for kind, (hourly, monthly) in SINGLE_PRICES.items():
        add(kind, '', hourly, monthly)
    middle = month_start + (month_end - month_start) / 2
    add('flavor', CHANGED_FLAVOR, CHANGED_HOURLY,
        FLAVORS[CHANGED_FLAVOR][1], middle)
    return keys, versions


# --------------------------------------------------------------------------
# Database


def load(engine, generator, month_start, month_end, now):
    """Bulk-load the generated month; returns the counts by table."""
    projects = models.Project.__table__
    resources = models.Resource.__table__
    intervals = models.UsageIntervalRow.__table__
    counts = collections.Counter()
    by_type = collections.Counter()
    keys, versions = rate_card(month_start, month_end, now)
    window_start = month_start - datetime.timedelta(days=30)
    with engine.begin() as connection:
        benchdb.insert(connection, models.PriceKey.__table__, keys)
        benchdb.insert(connection, models.PriceVersion.__table__, versions)
        connection.execute(models.BillingWindow.__table__.insert().values(
            start=window_start, end=None))
        connection.execute(models.Setting.__table__.insert(), [
            {'name': 'invoice_tax', 'value': '11', 'updated_at': window_start},
        ])
    counts['price versions'] = len(versions)
    project_rows, resource_rows, interval_rows = [], [], []
    next_pk = 1

    def flush():
        with engine.begin() as connection:
            benchdb.insert(connection, projects, project_rows)
            benchdb.insert(connection, resources, resource_rows)
            benchdb.insert(connection, intervals, interval_rows)
        del project_rows[:], resource_rows[:], interval_rows[:]

    for project, project_resources in generator.generate():
        project_rows.append(project)
        counts['projects'] += 1
        counts['retired projects'] += project['retired_at'] is not None
        for resource, rows in project_resources:
            resource['id'] = next_pk
            resource_rows.append(resource)
            by_type[resource['resource_type']] += 1
            for row in rows:
                row['resource_pk'] = next_pk
                interval_rows.append(row)
            counts['intervals'] += len(rows)
            counts['resized'] += len(rows) > 1
            counts['ended'] += rows[-1]['end'] is not None
            next_pk += 1
        if len(interval_rows) >= 50000:
            flush()
    flush()
    counts['resources'] = next_pk - 1
    return counts, by_type


def scalar(engine, query):
    with engine.connect() as connection:
        return connection.execute(sa.text(query)).scalar()


def outcome(engine):
    """What the rollover left in the database."""
    return {
        'issued': scalar(engine, 'SELECT COUNT(*) FROM invoices '
                                 'WHERE state <> 1'),
        'finished': scalar(engine, 'SELECT COUNT(*) FROM invoices '
                                   'WHERE state = 100'),
        'open': scalar(engine, 'SELECT COUNT(*) FROM invoices '
                               'WHERE state = 1'),
        'segments': scalar(engine, 'SELECT COUNT(*) FROM invoice_segments'),
        'unpriced': scalar(engine, 'SELECT COUNT(*) FROM invoice_segments '
                                   'WHERE unpriced'),
        'total': scalar(engine, 'SELECT COALESCE(SUM(total), 0) '
                                'FROM invoices'),
        'subtotal': scalar(engine, 'SELECT COALESCE(SUM(subtotal), 0) '
                                   'FROM invoices'),
    }


def anchor(engine):
    """The same rows moved the plainest way, in this process: a Core read
    of every usage interval with its resource (the columns the rollover
    rates from) and a Core executemany of every segment the rollover
    wrote into an empty copy of ``invoice_segments``. (seconds, CPU
    seconds, rows read, rows written)."""
    intervals = models.UsageIntervalRow.__table__
    resources = models.Resource.__table__
    segments = models.InvoiceSegment.__table__
    query = sa.select(
        intervals.c.project_id, resources.c.resource_type,
        resources.c.resource_id, resources.c.name, intervals.c.price_key,
        intervals.c.quantity, intervals.c.start, intervals.c.end).join(
        resources, resources.c.id == intervals.c.resource_pk)
    columns = [column for column in segments.c if column.name != 'id']
    copy = sa.Table('anchor_segments', sa.MetaData(),
                    *[sa.Column(column.name, column.type)
                      for column in columns])
    with engine.begin() as connection:
        rows = [row._asdict() for row in connection.execute(
            sa.select(*columns))]
        copy.drop(connection, checkfirst=True)
        copy.create(connection)
    started, cpu = time.monotonic(), time.process_time()
    with engine.begin() as connection:
        read = len(connection.execute(query).all())
        for index in range(0, len(rows), benchdb.INSERT_BATCH):
            connection.execute(copy.insert(),
                               rows[index:index + benchdb.INSERT_BATCH])
    seconds = time.monotonic() - started
    cpu = time.process_time() - cpu
    with engine.begin() as connection:
        copy.drop(connection)
    return seconds, cpu, read, len(rows)


# --------------------------------------------------------------------------
# Timed runs


def timed(command, log, errors=subprocess.STDOUT):
    """Run ``command`` with its output to ``log`` (its errors too unless
    ``errors`` names another file); (seconds, CPU seconds, peak RSS in
    bytes, exit status).

    CPU seconds (user + system) and the peak RSS are the kernel's figures
    for that very child (``wait4`` rusage; ru_maxrss is its high-water mark
    in KiB on Linux), not sampled values.
    """
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=log, stderr=errors)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return (seconds, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss * 1024, process.returncode)


def write_conf(workdir, database, debug):
    """The rollover's configuration: the bench database, and a file lock
    in ``workdir`` (the database's advisory lock is server-wide: another
    rollover on the same server would make this one skip its turn)."""
    path = os.path.join(workdir, 'rintik.conf')
    with open(path, 'w') as stream:
        stream.write('[DEFAULT]\ndebug = %s\n\n[database]\nconnection = %s\n'
                     '\n[coordination]\nbackend_url = file://%s\n'
                     % (debug, database.url, os.path.join(workdir, 'locks')))
    return path


def profile(conf_file, engine, now, top):
    """Undo the rollover and run it again in-process under cProfile."""
    with engine.begin() as connection:
        for table in ('live_groups', 'live_totals', 'live_invoices',
                      'invoice_segments', 'balance_transactions',
                      'invoices', 'notifications'):
            connection.execute(sa.text('DELETE FROM %s' % table))
        connection.execute(sa.text(
            'UPDATE rating_state SET issued_until = NULL'))
    from rintik import conf
    from rintik import context as rintik_context
    from rintik.db import engine as db_engine
    from rintik.rating import rollover
    conf.CONF(['--config-file', conf_file], project='rintik',
              default_config_files=[])
    db_engine.configure(conf.CONF)
    context = rintik_context.get_admin_context()
    statements = collections.Counter()

    def count(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        upper = [word.upper() for word in words]
        table = words[upper.index('FROM') + 1] if 'FROM' in upper else \
            words[2 if upper[0] == 'INSERT' else 1]
        statements['%s %s' % (upper[0], table)] += 1

    sa.event.listen(sa.engine.Engine, 'before_cursor_execute', count)
    profiler = cProfile.Profile()
    started = time.monotonic()
    profiler.enable()
    summary = rollover.run(context, conf.CONF, now)
    profiler.disable()
    sa.event.remove(sa.engine.Engine, 'before_cursor_execute', count)
    print('\nin-process run under cProfile: %.1f s, %s' % (
        time.monotonic() - started, summary))
    print('statements sent: %s' % ', '.join(
        '%s %d' % item for item in sorted(statements.items())))
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats('tottime').print_stats(top)
    stats.sort_stats('cumulative').print_stats(top)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--projects', type=int, default=10000,
                        help='projects (20 resources each; default 10000)')
    parser.add_argument('--month', default='2025-10',
                        help='the month of usage the rollover closes '
                             '(YYYY-MM, UTC; default 2025-10)')
    parser.add_argument('--seed', type=int, default=42)
    benchdb.add_arguments(parser, 'rintik_bench_rollover')
    parser.add_argument('--profile', type=int, metavar='N', default=0,
                        help='afterwards, run the rollover in-process under '
                             'cProfile and print its top N functions')
    parser.add_argument('--debug', action='store_true',
                        help='run rintik-manage with debug logging')
    parser.add_argument('--keep', action='store_true',
                        help='keep the database and the work directory')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    year, month = (int(part) for part in args.month.split('-'))
    month_start = datetime.datetime(year, month, 1, tzinfo=UTC)
    month_end = datetime.datetime(year + month // 12, month % 12 + 1, 1,
                                  tzinfo=UTC)
    now = month_end + datetime.timedelta(minutes=7)
    workdir = tempfile.mkdtemp(prefix='rintik-bench-rollover-')
    database = benchdb.Database(args)
    conf_file = write_conf(workdir, database, args.debug)
    log_path = os.path.join(workdir, 'rintik-manage.log')
    engine = sa.create_engine(database.url)
    passed = False
    try:
        database.recreate()
        subprocess.run([MANAGE, '--config-file', conf_file, 'db', 'sync'],
                       check=True, stdout=subprocess.DEVNULL)
        started = time.monotonic()
        generator = Generator(args.projects, args.seed, month_start,
                              month_end)
        counts, by_type = load(engine, generator, month_start, month_end,
                               now)
        print('database %s, work directory %s' % (database.name, workdir))
        print('loaded in %.1f s: %d projects (%d retired), %d resources '
              '(%s), %d usage intervals (%d resized, %d resources ended), '
              '%d price versions' % (
                  time.monotonic() - started, counts['projects'],
                  counts['retired projects'], counts['resources'],
                  ', '.join('%d %s' % (n, t) for t, n in by_type.items()),
                  counts['intervals'], counts['resized'], counts['ended'],
                  counts['price versions']), flush=True)
        command = [MANAGE, '--config-file', conf_file, 'invoice-rollover',
                   '--now', now.strftime('%Y-%m-%dT%H:%M:%SZ')]
        print('running: %s' % ' '.join(command[1:]), flush=True)
        runs = []
        with open(log_path, 'w') as log:
            for _run in range(2):
                log.write('--- run %d\n' % (_run + 1))
                log.flush()
                seconds, cpu, rss, status = timed(command, log)
                if status:
                    raise SystemExit('invoice-rollover exited with %d; see %s'
                                     % (status, log_path))
                runs.append((seconds, rss, outcome(engine), cpu,
                             os.getloadavg()[0]))
        with open(log_path) as log:
            printed = [line.rstrip() for line in log
                       if line.startswith(('---', 'Issued'))]
        first, second = runs
        result = first[2]
        plain = anchor(engine)
        plain_load = os.getloadavg()[0]
        print('rintik-manage said: %s' % ' | '.join(printed))
        print()
        print('projects             %d' % counts['projects'])
        print('resources            %d' % counts['resources'])
        print('usage intervals      %d' % counts['intervals'])
        print('invoices issued      %d (%d finished at 0, %d opened for the '
              'next month)' % (result['issued'], result['finished'],
                               result['open']))
        print('segments written     %d (%d unpriced)' % (
            result['segments'], result['unpriced']))
        print('invoiced             subtotal %s, total %s (tax 11 %%)' % (
            result['subtotal'], result['total']))
        print('first run            %.1f s (rintik-manage CPU %.1f s), peak '
              'RSS %.0f MiB; load average %.1f on %d CPUs' % (
                  first[0], first[3], first[1] / 2 ** 20, first[4],
                  os.cpu_count()))
        print('second run           %.1f s (CPU %.1f s), peak RSS %.0f MiB '
              '(idempotent: %s)' % (
                  second[0], second[3], second[1] / 2 ** 20,
                  'unchanged' if second[2] == result else 'CHANGED'))
        print('anchor               %.1f s (CPU %.1f s): Core read of the '
              '%d usage rows + Core executemany of the %d segments, '
              'in this process; load average %.1f' % (
                  plain[0], plain[1], plain[2], plain[3], plain_load))
        print('first run / anchor   %.2f (CPU %.2f)' % (
            first[0] / plain[0], first[3] / plain[1]))
        passed = (first[0] < TARGET_SECONDS and
                  first[1] < TARGET_MIB * 2 ** 20 and second[2] == result)
        print('target (< %d s, < %d MiB): %s' % (
            TARGET_SECONDS, TARGET_MIB, 'PASS' if passed else 'MISS'))
        if args.profile:
            profile(conf_file, engine, now, args.profile)
    finally:
        engine.dispose()
        if not args.keep:
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == '__main__':
    sys.exit(main())
