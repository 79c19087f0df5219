#!/usr/bin/env python3
"""Overview benchmark: p50/p99 of the admin and project overview charts
and of /metrics at 100, 1,000 and 10,000 projects (20 resources each) on
MariaDB, through the in-process WSGI application (noauth), each beside
an anchor measured in the same run (``GET /`` of the same application)
and the load average.

Not a test: it needs the MariaDB of a development host and prints
figures. See tools/bench/README.rst.

For each size (one child process each, ``--projects N`` runs one):

1. creates a fresh database and runs ``rintik-manage db sync``;
2. bulk-loads the usage of the rollover benchmark's generator
   (tools/bench/rollover.py) for the 30 days up to now, with its rate
   card and billing window, and opens the current invoices
   (``open_current_invoices``, as enable_billing does);
3. times the first overview read (it builds the live totals);
4. sends ``--requests`` sequential requests of each endpoint (project
   overviews round-robin over the projects) and ``GET /``, interleaved,
   and prints p50 / p99 of each with the load average.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time

import sqlalchemy as sa
import webob

import benchdb  # noqa: H306 (a module of this folder)
import rollover as rollover_bench  # noqa: H306

SIZES = (100, 1000, 10000)
TARGET_MS = 100
CHARTS = ('total_resource', 'active_resource', 'price_total_resource',
          'price_active_resource')
UTC = datetime.timezone.utc


def write_conf(workdir, database):
    path = os.path.join(workdir, 'rintik.conf')
    with open(path, 'w') as stream:
        stream.write('[database]\nconnection = %s\n\n[api]\n'
                     'auth_strategy = noauth\n' % database.url)
    return path


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(args):
    """One size: load, then time every endpoint."""
    database = benchdb.Database(args)
    workdir = tempfile.mkdtemp(prefix='rintik-bench-overview-')
    conf_file = write_conf(workdir, database)
    database.recreate()
    subprocess.run([rollover_bench.MANAGE, '--config-file', conf_file, 'db',
                    'sync'], check=True, stdout=subprocess.DEVNULL)
    now = datetime.datetime.now(UTC)
    engine = sa.create_engine(database.url)
    started = time.monotonic()
    generator = rollover_bench.Generator(
        args.projects, args.seed, now - datetime.timedelta(days=30), now)
    counts, _by_type = rollover_bench.load(
        engine, generator, now - datetime.timedelta(days=30), now, now)
    engine.dispose()

    from rintik.api import app
    from rintik import conf
    from rintik import context as rintik_context
    from rintik.db import engine as db_engine
    from rintik.db import invoices as db_invoices
    from rintik.rating import rollover
    from rintik import service

    service.prepare_service(['rintik-bench', '--config-file', conf_file])
    db_engine.configure(conf.CONF)
    context = rintik_context.get_admin_context()
    opened = rollover.open_current_invoices(context, conf.CONF, now)
    projects = [row.project_id for row in db_invoices.projects(context)]
    print('%d projects, %d intervals, %d open invoices loaded in %.1f s'
          % (counts['projects'], counts['intervals'], opened,
             time.monotonic() - started), flush=True)
    application = app.setup_app(conf.CONF)

    def call(path):
        began = time.perf_counter()
        response = webob.Request.blank(path).get_response(application)
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_int == 200, (path, response.status)
        return elapsed, len(response.body)

    first, _size = call('/api/admin_overview/price_total_resource/')
    print('first admin overview (builds the live totals): %.0f ms'
          % first, flush=True)
    kinds = [('GET /', lambda n: '/')]
    kinds += [('admin_overview/%s' % chart,
               lambda n, chart=chart: '/api/admin_overview/%s/' % chart)
              for chart in CHARTS]
    kinds += [('project_overview/%s' % chart,
               lambda n, chart=chart: '/api/project_overview/%s/?tenant_id=%s'
               % (chart, projects[n % len(projects)]))
              for chart in CHARTS]
    kinds += [('/metrics', lambda n: '/metrics')]
    load_before = os.getloadavg()[0]
    times = {name: [] for name, _path in kinds}
    sizes = {}
    for number in range(args.requests):
        for name, path in kinds:
            if name == '/metrics' and number % args.metrics_every:
                continue
            elapsed, size = call(path(number))
            times[name].append(elapsed)
            sizes[name] = size
    load_after = os.getloadavg()[0]
    anchor = statistics.median(times['GET /'])
    met = True
    print('%-40s %6s %9s %9s %8s' % ('endpoint', 'n', 'p50 ms', 'p99 ms',
                                     'bytes'))
    for name, _path in kinds:
        p50, p99 = (percentile(times[name], 0.5),
                    percentile(times[name], 0.99))
        met = met and (name == 'GET /' or p99 < TARGET_MS)
        print('%-40s %6d %9.2f %9.2f %8d' % (name, len(times[name]), p50,
                                             p99, sizes[name]))
    print('anchor GET / p50 %.2f ms; load average %.1f before, %.1f after, '
          'on %d CPUs; target p99 < %d ms: %s' % (
              anchor, load_before, load_after, os.cpu_count(), TARGET_MS,
              'MET' if met else 'MISS'), flush=True)
    if not args.keep:
        database.drop()
    return 0 if met else 1


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--projects', type=int, default=None,
                        help='one size only (default: %s)'
                        % ', '.join(str(size) for size in SIZES))
    parser.add_argument('--requests', type=int, default=200,
                        help='requests of each endpoint (default 200)')
    parser.add_argument('--metrics-every', type=int, default=4,
                        help='/metrics on every Nth round only')
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--keep', action='store_true')
    benchdb.add_arguments(parser, 'rintik_bench_overview')
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.projects is not None:
        return measure(args)
    status = 0
    for size in SIZES:
        print('\n=== %d projects' % size, flush=True)
        status |= subprocess.run([sys.executable, __file__, '--projects',
                                  str(size)] + argv).returncode
    return status


if __name__ == '__main__':
    sys.exit(main())
