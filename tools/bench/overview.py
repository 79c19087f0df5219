#!/usr/bin/env python3
"""Overview benchmark: p50/p99 of the admin and project overview charts
and of /metrics at 100, 1,000 and 10,000 projects (20 resources each) on
MariaDB, through the in-process WSGI application (noauth), each beside
anchors measured in the same run (``GET /`` and ``GET /healthcheck`` of
the same application) and the load average.

Not a test: it needs the MariaDB of a development host and prints
figures. See tools/bench/README.rst.

For each size (one child process each, ``--projects N`` runs one):

1. creates a fresh database and runs ``rintik-manage db sync``;
2. bulk-loads the usage of the rollover benchmark's generator
   (tools/bench/rollover.py) for the 30 days up to now, with its rate
   card and billing window, and opens the current invoices
   (``open_current_invoices``, as enable_billing does);
3. builds the live totals out of band, as the monitor's timer does after
   a price change (``rintik.rating.overview.refresh``), and times it;
4. starts the monitor's refresh timer in a child process (every
   ``--refresh-interval`` seconds, as ``[live_totals] refresh_interval``),
   times three reads of the figures /metrics keeps (unpriced usage and
   the open invoices: what a background re-read costs every [api]
   metrics_cache_seconds), waits until the timer has caught up with the
   growing charges (the steady state), sends one untimed request of
   each endpoint (and prints the first /metrics, which reads the kept
   figures while it waits), then ``--requests`` sequential requests of
   each endpoint (project overviews round-robin over the projects),
   ``GET /`` and ``GET /healthcheck``, interleaved (/metrics, plain and
   with ``Accept-Encoding: gzip`` as Prometheus sends it, on every
   ``--metrics-every``-th round, ``[api] metrics_cache_seconds =
   --metrics-cache``), and prints p50 / p99 of each and its p50 over the
   anchor's, the CPU time of the process, the load average and what the
   timer did.
"""

import argparse
import datetime
import os
import signal
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
ANCHORS = ('GET /', 'GET /healthcheck')
# What Prometheus sends.
GZIP = {'Accept-Encoding': 'gzip'}
CHARTS = ('total_resource', 'active_resource', 'price_total_resource',
          'price_active_resource')
UTC = datetime.timezone.utc


def write_conf(workdir, database, args):
    path = os.path.join(workdir, 'rintik.conf')
    with open(path, 'w') as stream:
        stream.write('[database]\nconnection = %s\n\n[api]\n'
                     'auth_strategy = noauth\nmetrics_cache_seconds = %d\n'
                     % (database.url, args.metrics_cache))
    return path


def caught_up(context):
    """Wait until the refresh timer has moved every growing group whose
    total changed more than 2 s ago (the steady state); seconds waited."""
    from rintik.db import live_totals as db_live

    began = time.monotonic()
    while True:
        moment = db_live.status(context).next_change_at
        if moment is None or moment > datetime.datetime.now(UTC) - \
                datetime.timedelta(seconds=2):
            return time.monotonic() - began
        time.sleep(0.5)


def refresh_loop(conf_file, interval, seconds):
    """The monitor's live totals timer, alone in this process, for
    ``seconds``; prints how many refreshes did something and their
    p50 / max duration."""
    from rintik import conf
    from rintik import context as rintik_context
    from rintik.db import engine as db_engine
    from rintik.rating import invoicing
    from rintik.rating import overview
    from rintik import service

    # Stopped by SIGINT, even when started with it ignored (from a
    # background job of a shell).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    service.prepare_service(['rintik-bench', '--config-file', conf_file])
    db_engine.configure(conf.CONF)
    context = rintik_context.get_admin_context()
    policy = invoicing.Policy.from_conf(conf.CONF)
    durations, worked = [], 0
    ends = time.monotonic() + seconds
    try:
        while time.monotonic() < ends:
            began = time.monotonic()
            worked += overview.refresh(context, policy, datetime.datetime.now(
                UTC)) is not None
            durations.append((time.monotonic() - began) * 1000)
            time.sleep(max(0.0, interval - (time.monotonic() - began)))
    except KeyboardInterrupt:
        pass
    durations = durations or [0.0]
    print('refresh timer: %d refreshes, %d with work, p50 %.1f ms, max '
          '%.1f ms' % (len(durations), worked, statistics.median(durations),
                       max(durations)), flush=True)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(args):
    """One size: load, then time every endpoint."""
    database = benchdb.Database(args)
    workdir = tempfile.mkdtemp(prefix='rintik-bench-overview-')
    conf_file = write_conf(workdir, database, args)
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
    from rintik.api import metrics
    from rintik import conf
    from rintik import context as rintik_context
    from rintik.db import engine as db_engine
    from rintik.db import projects as db_projects
    from rintik.rating import invoicing
    from rintik.rating import overview
    from rintik.rating import rollover
    from rintik import service

    service.prepare_service(['rintik-bench', '--config-file', conf_file])
    db_engine.configure(conf.CONF)
    context = rintik_context.get_admin_context()
    opened = rollover.open_current_invoices(context, conf.CONF, now)
    projects = [row.project_id for row in db_projects.projects(context)]
    print('%d projects, %d intervals, %d open invoices loaded in %.1f s'
          % (counts['projects'], counts['intervals'], opened,
             time.monotonic() - started), flush=True)
    application = app.setup_app(conf.CONF)

    def call(path, headers):
        began = time.perf_counter()
        response = webob.Request.blank(path, headers=headers).get_response(
            application)
        body = response.body
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_int == 200, (path, response.status)
        return elapsed, len(body)

    began = time.monotonic()
    overview.refresh(context, invoicing.Policy.from_conf(conf.CONF),
                     datetime.datetime.now(UTC))
    print('live totals built out of band in %.1f s' % (
        time.monotonic() - began), flush=True)
    timer = subprocess.Popen([sys.executable, __file__, '--refresh-loop',
                              conf_file, '--refresh-interval',
                              str(args.refresh_interval)])
    reads = []
    for _number in range(3):
        began, cpu = time.perf_counter(), time.thread_time()
        figures = metrics.kept_figures(context)
        reads.append('%.0f (CPU %.0f)' % (
            (time.perf_counter() - began) * 1000,
            (time.thread_time() - cpu) * 1000))
    print('/metrics kept figures read: %s ms (%d bytes, %d gzip), every '
          '%d s at most' % (', '.join(reads), len(figures.plain),
                            len(figures.compressed.deflated),
                            args.metrics_cache), flush=True)
    print('timer caught up in %.1f s' % caught_up(context), flush=True)
    kinds = [('GET /', lambda n: '/', {}),
             ('GET /healthcheck', lambda n: '/healthcheck', {})]
    kinds += [('admin_overview/%s' % chart,
               lambda n, chart=chart: '/api/admin_overview/%s/' % chart, {})
              for chart in CHARTS]
    kinds += [('project_overview/%s' % chart,
               lambda n, chart=chart: '/api/project_overview/%s/?tenant_id=%s'
               % (chart, projects[n % len(projects)]), {})
              for chart in CHARTS]
    kinds += [('/metrics', lambda n: '/metrics', {}),
              ('/metrics gzip', lambda n: '/metrics', GZIP)]
    # One untimed round: a process's first /metrics reads the kept
    # figures while the scrape waits.
    for name, path, headers in kinds:
        elapsed, _size = call(path(0), headers)
        if name == '/metrics':
            print('first /metrics of the process (reads the kept figures): '
                  '%.0f ms' % elapsed, flush=True)
    load_before = os.getloadavg()[0]
    times = {name: [] for name, _path, _headers in kinds}
    sizes = {}
    cpu = time.process_time()
    for number in range(args.requests):
        for name, path, headers in kinds:
            if name.startswith('/metrics') and number % args.metrics_every:
                continue
            elapsed, size = call(path(number), headers)
            times[name].append(elapsed)
            sizes[name] = size
    cpu = time.process_time() - cpu
    load_after = os.getloadavg()[0]
    timer.send_signal(signal.SIGINT)
    timer.wait()
    anchor = statistics.median(times['GET /'])
    met = True
    print('%-40s %6s %9s %9s %9s %8s' % ('endpoint', 'n', 'p50 ms',
                                         'p99 ms', 'p50/GET /', 'bytes'))
    for name, _path, _headers in kinds:
        p50, p99 = (percentile(times[name], 0.5),
                    percentile(times[name], 0.99))
        met = met and (name in ANCHORS or p99 < TARGET_MS)
        print('%-40s %6d %9.2f %9.2f %9.1f %8d' % (
            name, len(times[name]), p50, p99, p50 / anchor, sizes[name]))
    print('anchor GET / p50 %.2f ms; CPU of this process (requests and '
          'background reads) %.1f s; load average %.1f before, %.1f after, '
          'on %d CPUs; target p99 < %d ms: %s' % (
              anchor, cpu, load_before, load_after, os.cpu_count(),
              TARGET_MS, 'MET' if met else 'MISS'), flush=True)
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
    parser.add_argument('--metrics-cache', type=int, default=15,
                        help='[api] metrics_cache_seconds (default 15)')
    parser.add_argument('--refresh-interval', type=float, default=1.0,
                        help='[live_totals] refresh_interval of the timer '
                        'running during the requests (default 1)')
    parser.add_argument('--refresh-loop', metavar='CONF_FILE',
                        help=argparse.SUPPRESS)
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--keep', action='store_true')
    benchdb.add_arguments(parser, 'rintik_bench_overview')
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.refresh_loop:
        refresh_loop(args.refresh_loop, args.refresh_interval, 3600)
        return 0
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
