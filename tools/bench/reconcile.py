#!/usr/bin/env python3
"""Reconciliation benchmark: time and peak memory of ``rintik-manage
reconcile`` against the fake OpenStack with 20,000 and 200,000 resources;
the peak memory at 200,000 must be at most 1.5 times that at 20,000.

Not a test: it prints figures. See tools/bench/README.rst.

For each size:

1. creates a fresh database (a SQLite file by default, ``--db mariadb``
   for the MariaDB of a development host) and runs ``rintik-manage db
   sync``;
2. generates the cloud deterministically (``--seed``): projects of 20
   resources (8 servers, 4 volumes, 2 snapshots, 2 floating IPs, 1 router,
   3 images) served by ``rintik.tests.fake_openstack`` in this process,
   each item built when a page asks for it, with the fields the real
   services return; and bulk-loads what Rintik bills: the same resources
   with one observation and a running interval each, except about 0.5 %
   never seen (missed creates) and 0.5 % of the servers and volumes with
   another flavor or size (missed resizes), plus one billed server that no
   longer exists in every tenth project (missed deletes) and one deleted
   resource with a closed interval in every project (history);
3. runs ``rintik-manage reconcile --dry-run --format json``, then the real
   run, then a second dry run (which must find nothing), each as a
   subprocess whose wall time, CPU time and peak RSS come from the
   kernel (``wait4`` rusage of that very process);
4. checks that the differences found are exactly the ones seeded.

The anchor, measured in the same run: the same dry run against an empty
cloud and an empty database (start-up, authentication, empty listings).
"""

import argparse
import collections
import datetime
import decimal
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

from rintik.billing import quantity as quantities
from rintik.db import models
from rintik.tests import fake_openstack

import benchdb  # noqa: H306 (a module of this folder)
import rollover as rollover_bench  # noqa: H306

UTC = datetime.timezone.utc
D = decimal.Decimal
SIZES = (20000, 200000)
LIMIT_RATIO = 1.5
# resources of each project, by collection (20 in all)
MIX = [('servers', 8), ('volumes', 4), ('snapshots', 2), ('floatingips', 2),
       ('routers', 1), ('images', 3)]
RESOURCE_TYPES = {'servers': 'instance', 'volumes': 'volume',
                  'snapshots': 'snapshot', 'floatingips': 'floating_ip',
                  'routers': 'router', 'images': 'image'}
FLAVORS = ['1', '2', '3', '4', '5']
VOLUME_TYPES = {'lvm': '3706aa72-cb65-4971-83e8-48e1477efd1d',
                'ssd': 'a16c8514-616f-4d40-baf7-eb8c8fb18677'}
VOLUME_SIZES = [1, 5, 10, 20, 40, 50, 100, 200, 500]
MISSED_CREATE = 0.005   # listed, never billed
MISSED_RESIZE = 0.005   # servers and volumes billed with other attributes
MISSED_DELETE = 0.1     # projects with one billed server no longer listed
PAGE_SIZE = 1000        # the fake services' largest page (Nova's default)
# (name, --dry-run) of the runs of each size; the anchor makes the first
RUNS = [('dry run', True), ('real run', False), ('second dry run', True)]


# --------------------------------------------------------------------------
# The cloud


class Generated(collections.abc.Mapping):
    """A fake OpenStack collection whose items are built when asked for,
    from one small tuple per resource: ``specs[id] = (project, attribute,
    number)``."""

    def __init__(self, make, url):
        self.specs = {}
        self.make = make
        self.url = url

    def __getitem__(self, resource_id):
        return self.make(self.url, resource_id, *self.specs[resource_id])

    def __iter__(self):
        return iter(self.specs)

    def __len__(self):
        return len(self.specs)

    def __contains__(self, resource_id):
        return resource_id in self.specs


def _uuid(text):
    """A stable UUID made from ``text``."""
    return str(uuid.UUID(hashlib.md5(text.encode()).hexdigest()))


def _stamp(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.000000')


def server(url, server_id, project_id, flavor, number, created):
    address = '10.%d.%d.%d' % (number // 65536 % 256, number // 256 % 256,
                               number % 256)
    link = '%s/compute/v2.1/servers/%s' % (url, server_id)
    return {
        'id': server_id, 'name': 'vm-%d' % number, 'status': 'ACTIVE',
        'tenant_id': project_id, 'user_id': _uuid('user' + project_id),
        'metadata': {}, 'hostId': hashlib.sha224(
            project_id.encode()).hexdigest(),
        'image': {'id': _uuid('image%d' % (number % 7)), 'links': [
            {'rel': 'bookmark', 'href': url + '/compute/images/x'}]},
        'flavor': {'id': flavor, 'links': [
            {'rel': 'bookmark', 'href': url + '/compute/flavors/' + flavor}]},
        'created': _stamp(created), 'updated': _stamp(created),
        'addresses': {'private': [{
            'version': 4, 'addr': address, 'OS-EXT-IPS:type': 'fixed',
            'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:%02x:%02x:%02x' % (
                number // 65536 % 256, number // 256 % 256, number % 256)}]},
        'accessIPv4': '', 'accessIPv6': '',
        'links': [{'rel': 'self', 'href': link},
                  {'rel': 'bookmark', 'href': link}],
        'OS-DCF:diskConfig': 'MANUAL', 'progress': 0,
        'OS-EXT-AZ:availability_zone': 'nova', 'config_drive': '',
        'key_name': None, 'OS-SRV-USG:launched_at': _stamp(created),
        'OS-SRV-USG:terminated_at': None,
        'OS-EXT-SRV-ATTR:host': 'compute-%d' % (number % 50),
        'OS-EXT-SRV-ATTR:instance_name': 'instance-%08x' % number,
        'OS-EXT-SRV-ATTR:hypervisor_hostname': 'compute-%d' % (number % 50),
        'OS-EXT-STS:task_state': None, 'OS-EXT-STS:vm_state': 'active',
        'OS-EXT-STS:power_state': 1,
        'os-extended-volumes:volumes_attached': [],
        'security_groups': [{'name': 'default'}]}


def volume(url, volume_id, project_id, size_and_type, number, created):
    size, type_name = size_and_type
    return {
        'id': volume_id, 'name': 'volume-%d' % number, 'size': size,
        'status': 'available', 'volume_type': type_name,
        'volume_type_id': VOLUME_TYPES[type_name],
        'os-vol-tenant-attr:tenant_id': project_id,
        'user_id': _uuid('user' + project_id), 'description': None,
        'created_at': _stamp(created), 'updated_at': _stamp(created),
        'attachments': [], 'availability_zone': 'nova', 'bootable': 'false',
        'encrypted': False, 'metadata': {}, 'multiattach': False,
        'snapshot_id': None, 'source_volid': None,
        'os-vol-host-attr:host': 'cinder@lvm#lvm',
        'replication_status': None, 'consistencygroup_id': None,
        'migration_status': None, 'os-vol-mig-status-attr:migstat': None,
        'os-vol-mig-status-attr:name_id': None,
        'links': [{'rel': 'self', 'href': '%s/volume/v3/volumes/%s'
                   % (url, volume_id)}]}


def snapshot(url, snapshot_id, project_id, size, number, created):
    return {
        'id': snapshot_id, 'name': 'snapshot-%d' % number, 'size': size,
        'status': 'available', 'volume_id': _uuid('volume%d' % number),
        'description': None, 'metadata': {},
        'created_at': _stamp(created), 'updated_at': _stamp(created),
        'os-extended-snapshot-attributes:project_id': project_id,
        'os-extended-snapshot-attributes:progress': '100%'}


def floating_ip(url, address_id, project_id, _attribute, number, created):
    return {
        'id': address_id, 'project_id': project_id, 'tenant_id': project_id,
        'floating_ip_address': '198.%d.%d.%d' % (
            number // 65536 % 256, number // 256 % 256, number % 256),
        'floating_network_id': _uuid('public'), 'router_id': None,
        'port_id': None, 'fixed_ip_address': None, 'status': 'DOWN',
        'description': '', 'tags': [], 'dns_domain': '', 'dns_name': '',
        'port_details': None, 'qos_policy_id': None, 'revision_number': 1,
        'created_at': _stamp(created), 'updated_at': _stamp(created)}


def router(url, router_id, project_id, _attribute, number, created):
    return {
        'id': router_id, 'name': 'router-%d' % number,
        'project_id': project_id, 'tenant_id': project_id,
        'status': 'ACTIVE', 'admin_state_up': True,
        'external_gateway_info': {
            'network_id': _uuid('public'), 'enable_snat': True,
            'external_fixed_ips': [{'subnet_id': _uuid('public-subnet'),
                                    'ip_address': '203.0.113.%d'
                                    % (number % 250)}]},
        'routes': [], 'description': '', 'tags': [], 'distributed': False,
        'ha': False, 'flavor_id': None, 'availability_zones': ['nova'],
        'revision_number': 3, 'created_at': _stamp(created),
        'updated_at': _stamp(created)}


def image(url, image_id, project_id, size, number, created):
    return {
        'id': image_id, 'name': 'image-%d' % number, 'owner': project_id,
        'status': 'active', 'size': size, 'virtual_size': None,
        'visibility': 'private', 'protected': False, 'os_hidden': False,
        'disk_format': 'qcow2', 'container_format': 'bare',
        'checksum': hashlib.md5(image_id.encode()).hexdigest(),
        'os_hash_algo': 'sha512',
        'os_hash_value': hashlib.sha512(image_id.encode()).hexdigest(),
        'min_disk': 0, 'min_ram': 0, 'tags': [], 'stores': 'file',
        'created_at': _stamp(created) + 'Z', 'updated_at':
        _stamp(created) + 'Z', 'self': '/v2/images/' + image_id,
        'file': '/v2/images/%s/file' % image_id,
        'schema': '/v2/schemas/image'}


MAKERS = {'servers': server, 'volumes': volume, 'snapshots': snapshot,
          'floatingips': floating_ip, 'routers': router, 'images': image}


class Scenario:
    """One size: the cloud's resources and what Rintik bills,
    deterministic per seed; ``expected`` counts the differences seeded."""

    def __init__(self, size, seed, now):
        self.rng = random.Random('%s-%s' % (seed, size))
        self.projects = size // 20
        self.now = now
        self.created = now - datetime.timedelta(days=10)
        self.seen = now - datetime.timedelta(days=2)
        self.expected = collections.Counter()

    def _id(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _attribute(self, collection):
        """(what the cloud states, billed price key, billed quantity)."""
        if collection == 'servers':
            flavor = self.rng.choice(FLAVORS)
            return flavor, flavor, D(1)
        if collection == 'volumes':
            size = self.rng.choice(VOLUME_SIZES)
            type_name = self.rng.choice(sorted(VOLUME_TYPES))
            return (size, type_name), VOLUME_TYPES[type_name], D(size)
        if collection == 'snapshots':
            size = self.rng.choice(VOLUME_SIZES[:6])
            return size, None, D(size)
        if collection == 'images':
            size = self.rng.randrange(160, 160000) * 65536
            return size, None, quantities.gib_from_bytes(size)
        return None, None, D(1)

    def generate(self, cloud):
        """Fill ``cloud`` (Generated collections); yield the billed
        resources as (resource type, id, project, price key, quantity,
        gone)."""
        number = 0
        for _index in range(self.projects):
            project_id = uuid.UUID(int=self.rng.getrandbits(128)).hex
            for collection, count in MIX:
                resource_type = RESOURCE_TYPES[collection]
                for _resource in range(count):
                    number += 1
                    resource_id = self._id()
                    stated, price_key, quantity = self._attribute(collection)
                    cloud.resources[collection].specs[resource_id] = (
                        project_id, stated, number, self.created)
                    if self.rng.random() < MISSED_CREATE:
                        self.expected['start'] += 1
                        continue
                    if (collection in ('servers', 'volumes') and
                            self.rng.random() < MISSED_RESIZE):
                        self.expected['change'] += 1
                        _stated, price_key, quantity = self._other(
                            collection, price_key, quantity)
                    yield (resource_type, resource_id, project_id,
                           price_key, quantity, False)
            if self.rng.random() < MISSED_DELETE:
                self.expected['end'] += 1
                yield ('instance', self._id(), project_id, '1', D(1), False)
            yield ('volume', self._id(), project_id,
                   VOLUME_TYPES['lvm'], D(10), True)

    def _other(self, collection, price_key, quantity):
        while True:
            changed = self._attribute(collection)
            if changed[1:] != (price_key, quantity):
                return changed


def serve(size, seed, now):
    """The fake OpenStack (started) and the Scenario of ``size``."""
    cloud = fake_openstack.FakeOpenStack()
    cloud.setUp()
    cloud.page_size = PAGE_SIZE
    for collection, make in MAKERS.items():
        cloud.resources[collection] = Generated(make, cloud.url)
    return cloud, Scenario(size, seed, now)


# --------------------------------------------------------------------------
# What Rintik bills


def load(engine, scenario, cloud):
    """Bulk-load the billed resources the scenario yields (one
    observation and one interval each; a closed one for the deleted)."""
    tables = [models.Project.__table__, models.Resource.__table__,
              models.Observation.__table__, models.UsageIntervalRow.__table__]
    rows = {table: [] for table in tables}
    projects = set()
    window = scenario.now - datetime.timedelta(days=30)
    with engine.begin() as connection:
        connection.execute(models.BillingWindow.__table__.insert().values(
            start=window, end=None))

    def flush():
        with engine.begin() as connection:
            for table in tables:
                benchdb.insert(connection, table, rows[table])
                del rows[table][:]

    pk = 0
    for (resource_type, resource_id, project_id, price_key, quantity,
         gone) in scenario.generate(cloud):
        pk += 1
        if project_id not in projects:
            projects.add(project_id)
            rows[tables[0]].append({'project_id': project_id,
                                    'known_since': scenario.created})
        rows[tables[1]].append({
            'id': pk, 'resource_type': resource_type,
            'resource_id': resource_id, 'project_id': project_id,
            'tail_event_time': scenario.seen, 'tail_gone': gone,
            'tail_message_id': 'seed-%d-%d' % (pk, gone),
            'gone_at': scenario.seen if gone else None})
        observation = {
            'resource_pk': pk, 'event_type': 'seed',
            'project_id': project_id, 'billable': True,
            'price_key': price_key, 'quantity': quantity, 'name': None,
            'source': 'notification', 'received_at': scenario.created}
        rows[tables[2]].append(dict(
            observation, message_id='seed-%d-0' % pk, gone=False,
            event_time=scenario.created if gone else scenario.seen))
        if gone:
            rows[tables[2]].append(dict(
                observation, message_id='seed-%d-1' % pk, gone=True,
                event_time=scenario.seen, billable=False, price_key=None,
                quantity=None))
        rows[tables[3]].append({
            'resource_pk': pk, 'project_id': project_id,
            'price_key': price_key, 'quantity': quantity,
            'start': scenario.created, 'end': scenario.seen if gone else None})
        if len(rows[tables[1]]) >= 20000:
            flush()
    flush()
    return pk


# --------------------------------------------------------------------------
# Timed runs


def write_conf(workdir, url, cloud):
    path = os.path.join(workdir, 'rintik.conf')
    with open(path, 'w') as stream:
        stream.write(
            '[DEFAULT]\nuse_stderr = true\n\n[database]\nconnection = %s\n\n'
            '[openstack]\nauth_type = v3password\nauth_url = %s\n'
            'username = rintik\npassword = secret\nproject_name = admin\n'
            'user_domain_name = Default\nproject_domain_name = Default\n'
            'region_name = RegionOne\n' % (url, cloud.auth_url))
    return path


class Run:
    """One ``rintik-manage reconcile`` child: its figures and the
    differences it printed by (status, kind)."""

    def __init__(self, conf_file, workdir, name, dry_run):
        command = [rollover_bench.MANAGE, '--config-file', conf_file,
                   'reconcile', '--format', 'json']
        if dry_run:
            command.append('--dry-run')
        output = os.path.join(workdir, name + '.json')
        before = os.times()
        with open(output, 'w') as out, open(
                os.path.join(workdir, name + '.log'), 'w') as log:
            (self.seconds, self.cpu, self.rss,
             status) = rollover_bench.timed(command, out, log)
        after = os.times()
        # This process only serves the fake OpenStack meanwhile.
        self.cloud_cpu = (after.user + after.system -
                          before.user - before.system)
        self.load = os.getloadavg()
        if status:
            raise SystemExit('%s exited with %d; see %s' % (
                ' '.join(command[1:]), status, workdir))
        with open(output) as out:
            document = json.load(out)
        self.warnings = document['warnings']
        self.found = collections.Counter(
            (row['status'], row['kind']) for row in document['differences'])

    def line(self, name):
        found = ', '.join('%s %s %d' % (status, kind, count) for
                          (status, kind), count in sorted(self.found.items()))
        return ('  %-15s %6.1f s  CPU %5.1f s (fake OpenStack %5.1f s)  '
                'peak RSS %6.1f MiB  load %.1f  differences: %s' % (
                    name, self.seconds, self.cpu, self.cloud_cpu,
                    self.rss / 2 ** 20, self.load[0], found or 'none'))


def measure(args, size, now, workdir):
    """Seed ``size`` resources (0: the empty anchor) and time the runs;
    (the runs, whether the differences were exactly the seeded ones)."""
    cloud, scenario = serve(size, args.seed, now)
    name = 'anchor' if not size else str(size)
    database = benchdb.database(argparse.Namespace(**dict(
        vars(args), backend=args.db,
        db_name='%s_%s' % (args.db_name, name))), workdir)
    try:
        database.recreate()
        conf_file = write_conf(workdir, database.url, cloud)
        subprocess.run([rollover_bench.MANAGE, '--config-file', conf_file,
                        'db', 'sync'], check=True, stdout=subprocess.DEVNULL)
        started = time.monotonic()
        engine = sa.create_engine(database.url)
        billed = load(engine, scenario, cloud)
        engine.dispose()
        listed = sum(len(items) for items in cloud.resources.values())
        if size:
            print('%d resources listed, %d billed, seeded in %.1f s; '
                  'differences seeded: %s' % (
                      listed, billed, time.monotonic() - started,
                      ', '.join('%s %d' % item for item in
                                sorted(scenario.expected.items()))),
                  flush=True)
        runs = {}
        for run_name, dry_run in RUNS[:3 if size else 1]:
            runs[run_name] = Run(conf_file, workdir, '%s-%s' % (
                name, run_name.replace(' ', '-')), dry_run)
            print(runs[run_name].line(run_name), flush=True)
        expected = collections.Counter(
            {('dry-run', kind): count
             for kind, count in scenario.expected.items()})
        exact = True
        if size:
            exact = (runs['dry run'].found == expected and
                     runs['real run'].found == collections.Counter(
                         {('repaired', kind): count for (_s, kind), count
                          in expected.items()}) and
                     not runs['second dry run'].found and
                     not any(run.warnings for run in runs.values()))
            print('  differences exactly the seeded ones, none left after '
                  'the repair: %s' % ('yes' if exact else 'NO'), flush=True)
        return runs, exact
    finally:
        cloud.cleanUp()
        if not args.keep:
            database.drop()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default=','.join(map(str, SIZES)),
                        help='comma-separated resource counts; the ratio '
                             'is last / first (default %(default)s)')
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--db', choices=('sqlite', 'mariadb'),
                        default='sqlite')
    # With --db mariadb: one database per size, named <--db-name>_<size>.
    benchdb.add_arguments(parser, 'rintik_bench_reconcile')
    parser.add_argument('--keep', action='store_true',
                        help='keep the databases and the work directory')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sizes = [int(size) for size in args.sizes.split(',')]
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    workdir = tempfile.mkdtemp(prefix='rintik-bench-reconcile-')
    print('work directory %s, database %s, load average %.1f %.1f %.1f on '
          '%d CPUs' % ((workdir, args.db) + os.getloadavg() +
                       (os.cpu_count(),)), flush=True)
    try:
        print('anchor: empty cloud, empty database', flush=True)
        anchor, _exact = measure(args, 0, now, workdir)
        peaks, all_exact = [], True
        for size in sizes:
            print('%d resources' % size, flush=True)
            runs, exact = measure(args, size, now, workdir)
            all_exact = all_exact and exact
            peaks.append(max(run.rss for run in runs.values()))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    ratio = peaks[-1] / peaks[0]
    met = ratio <= LIMIT_RATIO and all_exact
    print('peak RSS %d / %d resources: %.1f / %.1f MiB = %.2f (limit %.1f; '
          'anchor %.1f MiB); load average %.1f %.1f %.1f: %s' % (
              (sizes[-1], sizes[0], peaks[-1] / 2 ** 20, peaks[0] / 2 ** 20,
               ratio, LIMIT_RATIO, anchor['dry run'].rss / 2 ** 20) +
              os.getloadavg() + ('MET' if met else 'MISS',)))
    return 0 if met else 1


if __name__ == '__main__':
    sys.exit(main())
