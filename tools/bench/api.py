#!/usr/bin/env python3
"""API latency benchmark: ``GET /api/invoice/{id}/`` and ``GET
/api/invoice/simple_list/`` of rintik-api behind a real Keystone, with
1,000,000 invoice segments in MariaDB.

Not a test: it needs the MariaDB of a development host (and PyPI, the
first time, to install Keystone) and prints figures. See
tools/bench/README.rst.

1. creates a fresh database (``--db-name``, default ``rintik_bench_api``)
   and runs ``rintik-manage db sync``;
2. starts a Keystone (rintik/tests/functional/keystone_server.py: its own
   virtualenv, SQLite, fernet tokens, uWSGI) and creates
   ``--token-projects`` projects with a member user each;
3. bulk-loads with SQLAlchemy core ``--projects`` projects (the first
   ones are the Keystone projects, the others random ids), each with
   ``--invoices`` issued monthly invoices (state 2, with totals) of about
   ``--segments`` frozen segments each: 10,000 x 12 x 8 1/3 = 1,000,000
   segments by default;
4. serves rintik-api (its own threaded server, ``rintik-api``) with
   ``auth_strategy = keystone`` and keystonemiddleware's default token
   cache (in-process, ``token_cache_time`` 300 s, no memcached);
5. with one persistent ``requests`` session, warms up, then sends
   ``--requests`` sequential requests of each kind, round-robin over the
   token projects and their invoices, the kinds interleaved, beside the
   anchor ``GET /api/`` (the cheapest authenticated call: the same token
   cache, middleware, policy check and pecan, no database), and prints
   p50 / p99 / max of each, their ratio to the anchor's, the load
   average and the target check (p99 < 50 ms for both);
6. optionally (``--profile N``) builds the same application in-process
   and profiles ``--requests`` calls of each kind with cProfile;
7. drops the database (unless ``--keep``).
"""

import argparse
import cProfile
import datetime
import decimal
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import requests
import sqlalchemy as sa

from rintik.db import models
from rintik.tests.functional import keystone_server

import benchdb  # noqa: H306 (a module of this folder)

VENV_BIN = os.path.dirname(sys.executable)
MANAGE = os.path.join(VENV_BIN, 'rintik-manage')
UTC = datetime.timezone.utc
D = decimal.Decimal
CENT = D('0.01')
UNPAID = 2
TARGET_MS = 50
# The anchor: the cheapest authenticated call (same token cache,
# middleware, policy check and pecan; no database).
ANCHOR = 'GET /api/ (anchor)'
DETAIL = 'GET /api/invoice/{id}/'
LIST = 'GET /api/invoice/simple_list/'
PASSWORD = 'bench-password'
TYPES = [
    # resource type, price key, hourly, monthly, quantity, weight
    ('instance', 'm1.small', D('0.0232'), None, D(1), 4),
    ('instance', 'm1.large', D('0.0928'), D('60'), D(1), 2),
    ('volume', 'ssd', D('0.00027778'), None, D(50), 3),
    ('floating_ip', None, D('0.005'), D('3'), D(1), 1),
    ('router', None, D('0.01'), None, D(1), 1),
    ('snapshot', None, D('0.00005'), None, D(20), 1),
    ('image', None, D('0.0001'), None, D('2.25'), 1),
]
WEIGHTS = [row[-1] for row in TYPES]


def month_start(moment, months_back=0):
    year, month = moment.year, moment.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.datetime(year, month, 1, tzinfo=UTC)


def _segments(rng, invoice_id, count, start, end, next_id):
    """``count`` frozen segments of one invoice period."""
    rows = []
    span = (end - start).total_seconds()
    for number in range(count):
        kind, key, hourly, monthly, quantity, _w = rng.choices(
            TYPES, WEIGHTS)[0]
        begin = start + datetime.timedelta(
            seconds=int(rng.random() * span * 0.6))
        finish = end if rng.random() < 0.7 else begin + datetime.timedelta(
            seconds=int(rng.random() * (end - begin).total_seconds()))
        hours = D((finish - begin).total_seconds()) / 3600
        charge = (hourly * quantity * hours).quantize(CENT)
        if monthly is not None:
            charge = min(charge, monthly)
        rows.append({
            'id': next_id + number, 'invoice_id': invoice_id,
            'resource_type': kind, 'resource_id': str(uuid.UUID(
                int=rng.getrandbits(128))),
            'name': '%s-%d' % (kind, number), 'price_key': key,
            'quantity': quantity, 'start': begin, 'end': finish,
            'hourly': hourly, 'monthly': monthly, 'charge': charge,
            'unpriced': False, 'adjustment': False,
            'adjusted_invoice_id': None})
    return rows


def load(engine, project_ids, invoices, segments, seed, now):
    """Bulk-load projects, issued invoices and their segments; the
    number of segments."""
    rng = random.Random(seed)
    periods = [(month_start(now, back), month_start(now, back - 1))
               for back in range(invoices, 0, -1)]
    known_since = periods[0][0]
    extra_every = round(1 / (segments - int(segments))) \
        if segments != int(segments) else 0
    invoice_id = segment_id = 1
    project_rows, invoice_rows, segment_rows = [], [], []

    def flush():
        with engine.begin() as connection:
            connection.exec_driver_sql('SET unique_checks = 0')
            connection.exec_driver_sql('SET foreign_key_checks = 0')
            benchdb.insert(connection, models.Project.__table__, project_rows)
            benchdb.insert(connection, models.Invoice.__table__, invoice_rows)
            benchdb.insert(connection, models.InvoiceSegment.__table__,
                    segment_rows)
        del project_rows[:], invoice_rows[:], segment_rows[:]

    for project_id in project_ids:
        project_rows.append({'project_id': project_id,
                             'known_since': known_since,
                             'email_notification': 'billing@example.com'})
        for start, end in periods:
            count = int(segments) + (
                1 if extra_every and invoice_id % extra_every == 0 else 0)
            rows = _segments(rng, invoice_id, count, start, end, segment_id)
            subtotal = sum(row['charge'] for row in rows)
            tax = (subtotal * D('0.11')).quantize(CENT)
            closed = end + datetime.timedelta(minutes=7)
            invoice_rows.append({
                'id': invoice_id, 'project_id': project_id,
                'period_start': start, 'period_end': end, 'state': UNPAID,
                'subtotal': subtotal, 'tax': tax, 'total': subtotal + tax,
                'tax_percent': 11, 'closed_at': closed, 'finish_date': None,
                'deducted': D(0), 'created_at': start, 'updated_at': closed})
            segment_rows.extend(rows)
            invoice_id += 1
            segment_id += count
        if len(segment_rows) >= 50000:
            flush()
    flush()
    return invoice_id - 1, segment_id - 1


def percentile(sorted_values, fraction):
    """Nearest-rank percentile."""
    index = max(0, min(len(sorted_values) - 1,
                       int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def measure(session, url, kinds, warmup, requests_count):
    """Sorted latencies in ms of each kind (name -> its ``(path, token)``
    calls, taken in turn): ``requests_count`` sequential calls of each,
    the kinds interleaved call by call so that all see the same load,
    after ``warmup`` untimed rounds."""
    latencies = {name: [] for name in kinds}
    for index in range(warmup + requests_count):
        for name, calls in kinds.items():
            path, token = calls[index % len(calls)]
            started = time.perf_counter()
            _get(session, url + path, token)
            if index >= warmup:
                latencies[name].append(
                    (time.perf_counter() - started) * 1000)
    return {name: sorted(values) for name, values in latencies.items()}


def _get(session, url, token):
    response = session.get(url, headers={'X-Auth-Token': token}, timeout=60)
    if response.status_code != 200:
        raise SystemExit('GET %s: %d %s' % (url, response.status_code,
                                            response.text[:500]))
    response.content
    return response


def report(name, latencies, anchor):
    """One line: p50, p99, max, mean, and p50 / p99 as multiples of the
    anchor's; the p99."""
    p50 = percentile(latencies, 0.50)
    p99 = percentile(latencies, 0.99)
    print('%-30s n=%d  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  '
          'mean %6.2f ms  x anchor p50 %5.2f p99 %5.2f' % (
              name, len(latencies), p50, p99, latencies[-1],
              statistics.fmean(latencies), p50 / percentile(anchor, 0.50),
              p99 / percentile(anchor, 0.99)))
    return p99


def profile(config_file, calls_by_kind, count, top):
    """The same application in-process, under cProfile."""
    import webob

    from rintik.api import app
    from rintik import conf
    from rintik.db import engine
    from rintik import service

    service.prepare_service(['rintik-bench', '--config-file', config_file])
    engine.configure(conf.CONF)
    application = app.setup_app(conf.CONF)

    def call(path, token):
        request = webob.Request.blank(path, headers={'X-Auth-Token': token})
        response = request.get_response(application)
        assert response.status_int == 200, (path, response.status)

    for name, calls in calls_by_kind:
        for path, token in calls:
            call(path, token)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for index in range(count):
            call(*calls[index % len(calls)])
        profiler.disable()
        elapsed = time.perf_counter() - started
        print('\n=== in-process %s: %d calls, %.2f ms each under cProfile'
              % (name, count, elapsed * 1000 / count))
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats('cumulative').print_stats(top)
        stats.sort_stats('tottime').print_stats(top)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--projects', type=int, default=10000)
    parser.add_argument('--invoices', type=int, default=12,
                        help='Issued invoices per project (months).')
    parser.add_argument('--segments', type=float, default=8 + 1 / 3,
                        help='Segments per invoice (average; a fraction '
                             'adds one segment to every n-th invoice).')
    parser.add_argument('--token-projects', type=int, default=4,
                        help='Keystone projects (and users) whose tokens '
                             'the requests use.')
    parser.add_argument('--requests', type=int, default=2000)
    parser.add_argument('--warmup', type=int, default=200)
    parser.add_argument('--seed', type=int, default=42)
    benchdb.add_arguments(parser, 'rintik_bench_api')
    parser.add_argument('--reuse-db', action='store_true',
                        help='Keep the database of a previous --keep run '
                             '(its Keystone project ids are re-created by '
                             'name order: only with the same '
                             '--token-projects and --seed).')
    parser.add_argument('--keep', action='store_true',
                        help='Keep the database and the work directory.')
    parser.add_argument('--profile', type=int, metavar='N', default=0,
                        help='Also profile in-process; print the top N.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    database = benchdb.Database(args)
    workdir = tempfile.mkdtemp(prefix='rintik-bench-api-')
    now = datetime.datetime.now(UTC)
    print('work directory %s' % workdir)
    keystone = keystone_server.KeystoneServer(
        os.path.join(workdir, 'keystone'), processes=2, threads=2)
    cleanups = []
    try:
        started = time.monotonic()
        keystone.setUp()
        cleanups.append(keystone.cleanUp)
        print('keystone             %s up in %.0f s' % (
            keystone.url, time.monotonic() - started))
        token_projects = []
        tokens = {}
        for number in range(args.token_projects):
            project_id = keystone.create_project('bench-%d' % number)
            keystone.add_user('bench-user-%d' % number, PASSWORD,
                              project_id, 'member')
            tokens[project_id] = keystone.issue_token(
                'bench-user-%d' % number, PASSWORD, project_id)[0]
            token_projects.append(project_id)
        rng = random.Random(args.seed)
        project_ids = token_projects + [
            uuid.UUID(int=rng.getrandbits(128)).hex
            for _ in range(args.projects - len(token_projects))]

        sections = {
            'DEFAULT': {'log_file': os.path.join(workdir, 'rintik.log')},
            'database': {'connection': database.url,
                         'max_pool_size': 10},
            'billing': {'currency': 'USD', 'timezone': 'UTC'},
            'api': {'auth_strategy': 'keystone'},
            # keystonemiddleware's defaults: in-process token cache.
            'keystone_authtoken': keystone.authtoken_options(),
        }
        config_file = os.path.join(workdir, 'rintik.conf')
        keystone_server.write_config(config_file, sections)
        engine = sa.create_engine(database.url)
        if args.reuse_db:
            with engine.begin() as connection:
                # The Keystone projects are new: give their ids to the
                # first projects of the previous load.
                old = [row[0] for row in connection.execute(sa.text(
                    'SELECT project_id FROM projects ORDER BY id LIMIT :n'),
                    {'n': len(token_projects)})]
                for before, after in zip(old, token_projects):
                    for table in ('projects', 'invoices'):
                        connection.execute(sa.text(
                            'UPDATE %s SET project_id = :after WHERE '
                            'project_id = :before' % table),
                            {'after': after, 'before': before})
        else:
            database.recreate()
            subprocess.run([MANAGE, '--config-file', config_file, 'db',
                            'sync'], check=True, capture_output=True)
            started = time.monotonic()
            invoices, segments = load(engine, project_ids, args.invoices,
                                      args.segments, args.seed, now)
            print('loaded               %d projects, %d invoices, %d '
                  'segments in %.0f s' % (len(project_ids), invoices,
                                          segments,
                                          time.monotonic() - started))
        with engine.connect() as connection:
            counts = [connection.execute(sa.text(
                'SELECT COUNT(*) FROM %s' % table)).scalar()
                for table in ('projects', 'invoices', 'invoice_segments')]
            invoice_ids = {project: [row[0] for row in connection.execute(
                sa.text('SELECT id FROM invoices WHERE project_id = :p '
                        'ORDER BY id'), {'p': project})]
                for project in token_projects}
        engine.dispose()
        print('database             %d projects, %d invoices, %d segments'
              % tuple(counts))

        api = keystone_server.RintikApi(workdir, sections)
        api.setUp()
        cleanups.insert(0, api.cleanUp)
        detail_calls = []
        for index in range(args.invoices):
            for project in token_projects:
                ids = invoice_ids[project]
                detail_calls.append(('/api/invoice/%d/' % ids[
                    index % len(ids)], tokens[project]))
        list_calls = [('/api/invoice/simple_list/', tokens[project])
                      for project in token_projects]
        anchor_calls = [('/api/', tokens[project])
                        for project in token_projects]

        with requests.Session() as session:
            started = time.perf_counter()
            _get(session, api.url + list_calls[0][0], list_calls[0][1])
            print('first request        %.1f ms (token validated by '
                  'Keystone, then cached)'
                  % ((time.perf_counter() - started) * 1000))
            response = _get(session, api.url + detail_calls[0][0],
                            detail_calls[0][1])
            print('one invoice          %d segments, %d bytes of JSON' % (
                sum(len(response.json()[key]) for key in (
                    'instances', 'volumes', 'floating_ips', 'routers',
                    'snapshots', 'images')), len(response.content)))
            load_before = os.getloadavg()[0]
            latencies = measure(session, api.url, {
                ANCHOR: anchor_calls, DETAIL: detail_calls,
                LIST: list_calls}, args.warmup, args.requests)
        anchor = latencies[ANCHOR]
        report(ANCHOR, anchor, anchor)
        p99_detail = report(DETAIL, latencies[DETAIL], anchor)
        p99_list = report(LIST, latencies[LIST], anchor)
        print('load average         %.1f before, %.1f after, on %d CPUs' % (
            load_before, os.getloadavg()[0], os.cpu_count()))
        met = p99_detail < TARGET_MS and p99_list < TARGET_MS
        print('target (p99 < %d ms for both): %s' % (
            TARGET_MS, 'MET' if met else 'MISS'))
        if args.profile:
            cleanups.pop(0)()
            profile(config_file, [(DETAIL, detail_calls),
                                  (LIST, list_calls)],
                    args.requests, args.profile)
        return 0 if met else 1
    finally:
        for cleanup in cleanups:
            cleanup()
        if not args.keep:
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
