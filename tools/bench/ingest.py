#!/usr/bin/env python3
"""Ingest benchmark: how fast one rintik-monitor drains a notification
backlog into MariaDB, PostgreSQL or SQLite (``--backend``), compared with a
no-op oslo.messaging batch listener.

Not a test: it needs the real RabbitMQ and database servers of a
development host and prints figures. See tools/bench/README.rst.

Every run:

1. generates ``--count`` realistic notifications from the real payloads in
   the fixture directory (ids, message ids and timestamps rewritten so that
   thousands of resources in hundreds of projects go through a plausible
   lifecycle), in the messagingv2 wire format;
2. in a RabbitMQ virtual host of its own: declares the no-op listener's
   pool queue, publishes the backlog, starts the no-op listener and times
   the drain;
3. creates a fresh database, runs ``rintik-manage db sync``, declares the
   monitor's pool queue, publishes the same backlog, starts ONE
   ``rintik-monitor`` (workers = 1) and times the drain until every
   billing-relevant notification is committed;
4. prints both rates, their ratio and the target check, then removes the
   virtual host (queues) and the database.
"""

import argparse
import collections
import copy
import datetime
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import kombu
import psutil

import benchdb  # noqa: H306 (a module of this folder)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
VENV_BIN = os.path.dirname(sys.executable)

TOPIC = 'notifications'
ROUTING_KEY = TOPIC + '.info'
# Where each service publishes (its control exchange).
EXCHANGES = {'nova': 'nova', 'cinder': 'openstack', 'neutron': 'neutron',
             'glance': 'glance', 'keystone': 'keystone'}
# Rintik's default [notification] exchanges: both listeners bind to all.
LISTEN_EXCHANGES = ['nova', 'openstack', 'cinder', 'neutron', 'glance',
                    'keystone']

# Issue 10: the monitor drains at least this share of the no-op rate.
TARGET_RATIO = 0.7

WINDOW_START = datetime.datetime(2025, 10, 1)
DAY = datetime.timedelta(days=1)

FLAVORS = [  # name, flavor id, internal id, RAM MB, vCPUs, root GB, weight
    ('m1.tiny', '1', 2, 512, 1, 1, 2),
    ('m1.small', '2', 5, 2048, 1, 20, 5),
    ('m1.medium', '3', 1, 4096, 2, 40, 5),
    ('m1.large', '4', 3, 8192, 4, 80, 3),
    ('m1.xlarge', '5', 4, 16384, 8, 160, 1),
]
VOLUME_TYPES = ['3706aa72-cb65-4971-83e8-48e1477efd1d',
                'a16c8514-616f-4d40-baf7-eb8c8fb18677',
                '5c1b4b8e-54a1-4fd8-9d5b-2f1b1f0b9d3e']
VOLUME_SIZES = [1, 5, 10, 20, 40, 50, 100, 200, 500]
RESOURCE_KINDS = [('instance', 50), ('volume', 22), ('floating_ip', 12),
                  ('router', 6), ('image', 10)]


# --------------------------------------------------------------------------
# Backlog generation


class Template:
    """One fixture notification, with the identifiers to rewrite."""

    def __init__(self, service, doc):
        self.service = service
        self.event_type = doc['event_type']
        self.publisher_id = doc.get('publisher_id')
        self.has_ctxt = 'ctxt' in doc
        self.text = json.dumps({'payload': doc['payload'],
                                'ctxt': doc.get('ctxt') or {}})
        self.slots = _slots(service, self.event_type, doc['payload'])
        self.payload = doc['payload']


def _slots(service, event_type, payload):
    """(old value, role) of every identifier of the template that the
    generator replaces; the first role given to a value wins."""
    slots = {}

    def add(value, role):
        if isinstance(value, str) and value and value not in slots:
            slots[value] = role

    if not isinstance(payload, dict):
        return []
    if service == 'nova':
        add(payload.get('instance_id'), 'resource')
        add(payload.get('tenant_id'), 'project')
        add(payload.get('user_id'), 'user')
    elif service == 'cinder':
        if event_type.startswith('snapshot.'):
            add(payload.get('snapshot_id'), 'resource')
            add(payload.get('volume_id'), 'volume')
        else:
            add(payload.get('volume_id'), 'resource')
        add(payload.get('tenant_id'), 'project')
        add(payload.get('user_id'), 'user')
        for attachment in payload.get('volume_attachment') or []:
            add(attachment.get('instance_uuid'), 'instance')
            add(attachment.get('id'), 'attachment')
    elif service == 'neutron':
        kind = event_type.split('.')[0]
        key = 'router_interface' if '.interface.' in event_type else kind
        resource = payload.get(key)
        resource = resource if isinstance(resource, dict) else {}
        add(payload.get(kind + '_id'), 'resource')
        add(resource.get('id'), 'resource')
        add(resource.get('tenant_id'), 'project')
        add(resource.get('project_id'), 'project')
        for name in ('port_id', 'router_id', 'network_id', 'device_id',
                     'subnet_id'):
            add(resource.get(name), name[:-3])
    elif service == 'glance':
        add(payload.get('id'), 'resource')
        add(payload.get('owner'), 'project')
    elif service == 'keystone':
        add(payload.get('resource_info'), 'project')
    return sorted(slots.items())


def load_templates(directory):
    templates = collections.defaultdict(list)
    for name in sorted(os.listdir(directory)):
        parts = name[:-len('.json')].split('__')
        if not name.endswith('.json') or len(parts) != 3:
            continue
        with open(os.path.join(directory, name)) as stream:
            doc = json.load(stream)
        templates[doc['event_type']].append(Template(parts[0], doc))
    if not templates:
        raise SystemExit('no notification fixtures in %s' % directory)
    return templates


class Generator:
    """Builds a time-ordered backlog of notifications."""

    def __init__(self, templates, count, seed, days):
        self.templates = templates
        self.count = count
        self.rng = random.Random(seed)
        self.days = days
        self.window_end = WINDOW_START + days * DAY
        self.events = []
        self.sequence = 0
        self.resources = collections.Counter()

    # -- helpers

    def uid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hexid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    def seconds(self, low, high):
        return datetime.timedelta(seconds=self.rng.uniform(low, high))

    def template(self, event_type, variant=None):
        choices = self.templates[event_type]
        if variant is not None:
            return choices[variant - 1]
        return self.rng.choice(choices)

    def emit(self, when, event_type, ids, variant=None, edit=None):
        """Queue one notification built from a fixture of ``event_type``
        if ``when`` falls in the window."""
        if when >= self.window_end:
            return False
        template = self.template(event_type, variant)
        text = template.text
        for old, role in template.slots:
            if role not in ids:
                ids[role] = self.uid()
            text = text.replace(json.dumps(old), json.dumps(ids[role]))
        doc = json.loads(text)
        payload = doc['payload']
        if edit is not None:
            edit(payload)
        message = {
            'message_id': str(uuid.UUID(int=self.rng.getrandbits(128),
                                        version=4)),
            'publisher_id': template.publisher_id,
            'event_type': event_type,
            'priority': 'INFO',
            'payload': payload,
            'timestamp': str(when),
            '_unique_id': self.hexid(),
        }
        for key, value in doc['ctxt'].items():
            message['_context_%s' % key] = value
        self.sequence += 1
        self.events.append((when, self.sequence,
                            EXCHANGES[template.service], message))
        return True

    # -- lifecycles

    def generate(self):
        project_count = max(10, self.count // 50)
        projects = [self.new_project() for _ in range(project_count)]
        weights = [self.rng.paretovariate(1.2) for _ in projects]
        kinds = [kind for kind, _weight in RESOURCE_KINDS]
        kind_weights = [weight for _kind, weight in RESOURCE_KINDS]
        while len(self.events) < self.count * 1.02:
            project = self.rng.choices(projects, weights)[0]
            kind = self.rng.choices(kinds, kind_weights)[0]
            created = project['created'] + (
                self.window_end - project['created']) * self.rng.random()
            getattr(self, kind)(project, created)
            self.resources[kind] += 1
        self.events.sort(key=lambda event: (event[0], event[1]))
        del self.events[self.count:]
        return [(exchange, message)
                for _when, _seq, exchange, message in self.events]

    def new_project(self):
        created = WINDOW_START + self.days * 0.7 * DAY * self.rng.random()
        project = {'project': self.hexid(), 'user': self.hexid(),
                   'created': created, 'network': self.uid(),
                   'instances': []}
        ids = {'project': project['project'], 'user': project['user']}
        self.emit(created, 'identity.project.created', dict(ids))
        self.emit(created + self.seconds(5, 60), 'identity.user.created',
                  dict(ids))
        when = created + self.seconds(60, 600)
        self.emit(when, 'network.create.end',
                  dict(ids, resource=project['network']))
        if self.rng.random() < 0.1:
            self.emit(when + self.seconds(600, 86400),
                      'identity.project.updated', dict(ids))
        if self.rng.random() < 0.1:
            self.emit(when + self.seconds(60, 86400), 'network.update.end',
                      dict(ids, resource=project['network']))
        if self.rng.random() < 0.03:
            self.emit(when + self.seconds(3 * 86400, 6 * 86400),
                      'identity.project.deleted', dict(ids))
        return project

    def lifetime(self, created, mean_days, deleted_share):
        if self.rng.random() >= deleted_share:
            return None
        return created + datetime.timedelta(
            days=self.rng.expovariate(1 / mean_days)) + self.seconds(60, 600)

    def instance(self, project, created):
        flavor = self.rng.choices(FLAVORS, [f[6] for f in FLAVORS])[0]
        ids = {'project': project['project'], 'user': project['user'],
               'resource': self.uid(), 'port': self.uid(),
               'network': project['network']}
        name = 'vm-%s' % ids['resource'][:8]
        project['instances'].append(ids['resource'])
        state = {'flavor': flavor, 'launched': created + self.seconds(20, 90)}

        def edit(vm_state, task_state='', old_state=None):
            def apply(payload):
                fl = state['flavor']
                payload.update({
                    'state': vm_state, 'state_description': task_state,
                    'display_name': name, 'instance_type': fl[0],
                    'instance_flavor_id': fl[1], 'instance_type_id': fl[2],
                    'memory_mb': fl[3], 'vcpus': fl[4], 'root_gb': fl[5],
                    'disk_gb': fl[5], 'ephemeral_gb': 0,
                    'created_at': str(created) + '+00:00',
                    'launched_at': state['launched'].isoformat(),
                })
                if 'old_state' in payload:
                    payload['old_state'] = old_state or vm_state
                if 'deleted' in state:
                    payload['terminated_at'] = state['deleted'].isoformat()
                    payload['deleted_at'] = state['deleted'].isoformat()
            return apply

        port = dict(ids, resource=ids['port'], device=ids['resource'])
        t = created
        self.emit(t, 'compute.instance.update', ids,
                  edit=edit('building', 'scheduling'))
        t += self.seconds(1, 5)
        self.emit(t, 'compute.instance.create.start', ids,
                  edit=edit('building'))
        t += self.seconds(1, 5)
        self.emit(t, 'compute.instance.update', ids,
                  edit=edit('building', 'networking'))
        self.emit(t + self.seconds(0, 2), 'port.create.end', port,
                  variant=self.rng.choice([1, 3]))
        t += self.seconds(2, 10)
        self.emit(t, 'compute.instance.update', ids,
                  edit=edit('building', 'spawning'))
        t = state['launched']
        self.emit(t, 'compute.instance.create.end', ids, edit=edit('active'))
        self.emit(t + self.seconds(0, 1), 'compute.instance.update', ids,
                  edit=edit('active', '', 'building'))
        deleted = self.lifetime(created, 2.0, 0.4)
        end = min(deleted or self.window_end, self.window_end)
        vm_state = 'active'
        # Occasional operations during the life of the instance.
        if self.rng.random() < 0.15:
            t = created + (end - created) * self.rng.uniform(0.1, 0.6)
            self.emit(t, 'compute.instance.power_off.start', ids,
                      edit=edit('active', 'powering-off'))
            self.emit(t + self.seconds(2, 20), 'compute.instance.update',
                      ids, edit=edit('stopped', '', 'active'))
            self.emit(t + self.seconds(2, 20),
                      'compute.instance.power_off.end', ids,
                      edit=edit('stopped'))
            vm_state = 'stopped'
            if self.rng.random() < 0.5:
                t = t + (end - t) * self.rng.uniform(0.2, 0.8)
                self.emit(t, 'compute.instance.update', ids,
                          edit=edit('active', '', 'stopped'))
                vm_state = 'active'
        if self.rng.random() < 0.05:
            t = created + (end - created) * self.rng.uniform(0.6, 0.8)
            self.emit(t, 'compute.instance.resize.prep.end', ids,
                      edit=edit(vm_state, 'resize_prep'))
            state['flavor'] = self.rng.choice(FLAVORS)
            t += self.seconds(30, 120)
            self.emit(t, 'compute.instance.finish_resize.end', ids,
                      edit=edit('resized'))
            self.emit(t + self.seconds(60, 3600),
                      'compute.instance.resize.confirm.end', ids,
                      edit=edit('active'))
        if self.rng.random() < 0.03:
            t = created + (end - created) * self.rng.uniform(0.8, 0.9)
            self.emit(t, 'compute.instance.rebuild.end', ids,
                      edit=edit('active'))
        # Nova's daily usage audit.
        audit = datetime.datetime.combine(created.date(), datetime.time())
        audit += DAY
        while audit < end:
            begin = audit - DAY

            def exists(payload, begin=begin, audit=audit):
                edit(vm_state)(payload)
                payload['audit_period_beginning'] = str(begin)
                payload['audit_period_ending'] = str(audit)

            self.emit(audit + self.seconds(0, 1800),
                      'compute.instance.exists', ids, edit=exists)
            audit += DAY
        if deleted is not None:
            t = deleted
            self.emit(t, 'compute.instance.update', ids,
                      edit=edit(vm_state, 'deleting'))
            self.emit(t, 'compute.instance.delete.start', ids,
                      edit=edit(vm_state, 'deleting'))
            t += self.seconds(0, 2)
            self.emit(t, 'compute.instance.shutdown.start', ids,
                      edit=edit(vm_state, 'deleting'))
            t += self.seconds(1, 10)
            self.emit(t, 'compute.instance.shutdown.end', ids,
                      edit=edit(vm_state, 'deleting'))
            self.emit(t + self.seconds(0, 2), 'port.delete.end', port)
            t += self.seconds(1, 5)
            state['deleted'] = t
            self.emit(t, 'compute.instance.delete.end', ids,
                      edit=edit('deleted'))

    def volume(self, project, created):
        ids = {'project': project['project'], 'user': project['user'],
               'resource': self.uid()}
        size = self.rng.choice(VOLUME_SIZES)
        volume_type = self.rng.choice(VOLUME_TYPES)
        name = 'vol-%s' % ids['resource'][:8]

        def edit(status=None, new_size=None, new_type=None):
            def apply(payload):
                payload.update({
                    'size': new_size or size,
                    'volume_type': new_type or volume_type,
                    'display_name': name,
                    'created_at': created.isoformat() + '+00:00'})
                if status:
                    payload['status'] = status
            return apply

        self.emit(created, 'volume.create.end', ids, edit=edit())
        deleted = self.lifetime(created, 3.0, 0.3)
        end = min(deleted or self.window_end, self.window_end)
        if self.rng.random() < 0.2:
            self.emit(created + self.seconds(60, 3600), 'volume.update.end',
                      ids, edit=edit())
        if project['instances'] and self.rng.random() < 0.6:
            ids['instance'] = self.rng.choice(project['instances'])
            t = created + (end - created) * self.rng.uniform(0.01, 0.3)
            self.emit(t, 'volume.attach.end', ids, edit=edit('in-use'))
            t = created + (end - created) * self.rng.uniform(0.7, 0.99)
            if deleted is not None or self.rng.random() < 0.3:
                self.emit(t, 'volume.detach.end', ids,
                          edit=edit('available'))
        if self.rng.random() < 0.03:
            t = created + (end - created) * self.rng.uniform(0.3, 0.6)
            volume_type = self.rng.choice(VOLUME_TYPES)
            self.emit(t, 'volume.retype', ids, edit=edit())
        if self.rng.random() < 0.15:
            snap = dict(ids, volume=ids['resource'], resource=self.uid())

            def snapshot(payload):
                payload.update({'volume_size': size,
                                'display_name': 'snap-%s' % name})

            t = created + (end - created) * self.rng.uniform(0.1, 0.5)
            self.emit(t, 'snapshot.create.end', snap, edit=snapshot)
            self.resources['snapshot'] += 1
            if deleted is not None or self.rng.random() < 0.5:
                t += (end - t) * self.rng.uniform(0.1, 0.9)
                self.emit(t, 'snapshot.delete.end', snap, edit=snapshot)
        if deleted is not None:
            self.emit(deleted, 'volume.delete.end', ids,
                      edit=edit('deleting'))

    def floating_ip(self, project, created):
        ids = {'project': project['project'], 'user': project['user'],
               'resource': self.uid(), 'port': self.uid(),
               'router': self.uid()}
        address = '203.0.113.%d' % self.rng.randint(1, 254)

        def edit(payload):
            if isinstance(payload.get('floatingip'), dict):
                payload['floatingip']['floating_ip_address'] = address

        self.emit(created, 'floatingip.create.end', ids, edit=edit)
        t = created + self.seconds(10, 600)
        self.emit(t, 'floatingip.update.end', ids,
                  variant=self.rng.choice([1, 3]), edit=edit)
        deleted = self.lifetime(created, 2.5, 0.4)
        if deleted is not None:
            self.emit(deleted - self.seconds(5, 60), 'floatingip.update.end',
                      ids, variant=self.rng.choice([2, 4]), edit=edit)
            self.emit(deleted, 'floatingip.delete.start', ids)
            self.emit(deleted + self.seconds(0, 2), 'floatingip.delete.end',
                      ids)

    def router(self, project, created):
        ids = {'project': project['project'], 'user': project['user'],
               'resource': self.uid(), 'network': project['network']}
        name = 'router-%s' % ids['resource'][:8]

        def edit(payload):
            if isinstance(payload.get('router'), dict):
                payload['router']['name'] = name

        self.emit(created, 'router.create.end', ids, edit=edit)
        self.emit(created + self.seconds(5, 120), 'router.update.end', ids,
                  variant=2, edit=edit)
        t = created + self.seconds(60, 600)
        self.emit(t, 'router.interface.create', ids)
        deleted = self.lifetime(created, 3.0, 0.25)
        if deleted is not None:
            self.emit(deleted - self.seconds(5, 60), 'router.interface.delete',
                      ids)
            self.emit(deleted, 'router.delete.end', ids)

    def image(self, project, created):
        ids = {'project': project['project'], 'resource': self.uid()}
        size = self.rng.randint(12 * 2 ** 20, 8 * 2 ** 30)
        name = 'image-%s' % ids['resource'][:8]

        def edit(payload):
            payload.update({'size': size, 'name': name,
                            'created_at': created.isoformat()})

        self.emit(created, 'image.create', ids, edit=edit)
        self.emit(created + self.seconds(30, 900), 'image.update', ids,
                  edit=edit)
        deleted = self.lifetime(created, 3.0, 0.2)
        if deleted is not None:
            self.emit(deleted, 'image.delete', ids, edit=edit)


def wire_body(message):
    """The AMQP body oslo.messaging's messagingv2 driver sends."""
    return json.dumps({'oslo.version': '2.0',
                       'oslo.message': json.dumps(message)}).encode('utf-8')


def envelope(message):
    """The envelope rintik's endpoint builds from the delivered message."""
    ctxt = {key[len('_context_'):]: value for key, value in message.items()
            if key.startswith('_context_')}
    return {'event_type': message['event_type'],
            'publisher_id': message['publisher_id'],
            'timestamp': message['timestamp'], 'priority': 'INFO',
            'message_id': message['message_id'],
            'payload': copy.deepcopy(message['payload']), 'ctxt': ctxt}


def expected_effect(conf_file, messages):
    """What rintik must store: message ids with an observation, projects,
    ignored and quarantined counts, computed with rintik's own handlers."""
    # rintik.cmd selects oslo.service's threading backend (as the console
    # scripts do) before anything imports oslo.service.
    import rintik.cmd  # noqa: F401

    from oslo_config import cfg

    from rintik.conf import notification as notification_conf
    from rintik.handlers import manager
    from rintik.metering import facts
    from rintik.notification import processor

    conf = cfg.ConfigOpts()
    notification_conf.register_opts(conf)
    conf(['--config-file', conf_file], default_config_files=[])
    handlers = manager.HandlerSet(conf)
    records, ignored, quarantined = processor.Processor(handlers).classify(
        [envelope(message) for _exchange, message in messages])
    observed = set()
    projects = set()
    for message_id, _event_type, _when, record_facts in records:
        for fact in record_facts:
            if fact.project_id:
                projects.add(fact.project_id)
            if isinstance(fact, facts.Observation):
                observed.add(message_id)
    return {'observed': len(observed), 'projects': len(projects),
            'ignored': ignored, 'quarantined': len(quarantined),
            'records': len(records)}


# --------------------------------------------------------------------------
# Infrastructure


def rabbitmqctl(*args):
    return subprocess.run(('rabbitmqctl', '-q') + args, check=True,
                          capture_output=True, text=True).stdout


def queue_totals(vhost, queue):
    """(ready, unacknowledged) of ``queue``, from rabbitmqctl."""
    output = rabbitmqctl('list_queues', '-p', vhost, 'name',
                         'messages_ready', 'messages_unacknowledged')
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == queue:
            return int(fields[1]), int(fields[2])
    return None


class Broker:
    """A RabbitMQ virtual host for one benchmark run."""

    def __init__(self, args):
        self.vhost = args.vhost or 'rintik-bench-%s' % uuid.uuid4().hex[:8]
        self.own_vhost = not args.vhost
        path = '' if self.vhost == '/' else '/' + self.vhost
        self.url = 'rabbit://%s:%s@%s:%d%s' % (
            args.rabbit_user, args.rabbit_password, args.rabbit_host,
            args.rabbit_port, path)
        self.amqp_url = 'amqp://%s:%s@%s:%d/%s' % (
            args.rabbit_user, args.rabbit_password, args.rabbit_host,
            args.rabbit_port, '' if self.vhost == '/' else self.vhost)
        self.user = args.rabbit_user
        self.queues = []

    def create(self):
        if self.own_vhost:
            rabbitmqctl('add_vhost', self.vhost)
            rabbitmqctl('set_permissions', '-p', self.vhost, self.user,
                        '.*', '.*', '.*')
        self.connection = kombu.Connection(self.amqp_url)
        self.channel = self.connection.channel()

    def depth(self, queue):
        """Messages ready in ``queue`` (not counting unacknowledged)."""
        return self.channel.queue_declare(queue=queue, passive=True)[1]

    def publish(self, queue, bodies):
        """Publish ``bodies`` [(exchange, bytes)] and wait until all of
        them are routed to ``queue``; returns the seconds it took."""
        started = time.monotonic()
        exchanges = {}
        producer = kombu.Producer(self.channel)
        for name, body in bodies:
            exchange = exchanges.get(name)
            if exchange is None:
                # As oslo.messaging declares them with Rintik's default
                # amqp_durable_queues = true (both consumers' setting).
                exchange = exchanges[name] = kombu.Exchange(
                    name, type='topic', durable=True, auto_delete=False)
                exchange(self.channel).declare()
            producer.publish(body, exchange=exchange, routing_key=ROUTING_KEY,
                             content_type='application/json',
                             content_encoding='utf-8', retry=False)
        deadline = time.monotonic() + 120
        while self.depth(queue) < len(bodies):
            if time.monotonic() > deadline:
                raise RuntimeError('only %d of %d messages reached %s' % (
                    self.depth(queue), len(bodies), queue))
            time.sleep(0.05)
        return time.monotonic() - started

    def delete(self, queue):
        """Delete a drained pool queue: left bound to the exchanges, it
        would receive (and keep) every later run's backlog."""
        self.channel.queue_delete(queue)
        self.queues.remove(queue)

    def destroy(self):
        try:
            self.connection.release()
        except Exception:
            pass
        if self.own_vhost:
            rabbitmqctl('delete_vhost', self.vhost)
        else:
            connection = kombu.Connection(self.amqp_url)
            channel = connection.channel()
            for queue in self.queues:
                channel.queue_delete(queue)
            connection.release()


def declare_pool_queue(conf_file, pool, exchanges):
    """Create ``pool``'s queue and bindings exactly as oslo.messaging's
    notification listener does, by starting a listener on the empty queue
    and stopping it again."""
    from oslo_config import cfg
    import oslo_messaging

    class Nothing:
        def info(self, messages):
            raise AssertionError('the queue should be empty')

    conf = cfg.ConfigOpts()
    conf(['--config-file', conf_file], default_config_files=[])
    transport = oslo_messaging.get_notification_transport(conf)
    listener = oslo_messaging.get_batch_notification_listener(
        transport, [oslo_messaging.Target(exchange=exchange, topic=TOPIC)
                    for exchange in exchanges],
        [Nothing()], pool=pool, batch_size=1, batch_timeout=1)
    listener.start()
    listener.stop()
    listener.wait()
    transport.cleanup()


# --------------------------------------------------------------------------
# Timed runs


def peak_rss(process):
    """Peak resident set size (VmHWM, bytes) of ``process`` and of each of
    its descendants, as {pid: bytes}."""
    peaks = {}
    try:
        family = [process] + process.children(recursive=True)
    except psutil.Error:
        return peaks
    for member in family:
        try:
            with open('/proc/%d/status' % member.pid) as stream:
                for line in stream:
                    if line.startswith('VmHWM:'):
                        peaks[member.pid] = int(line.split()[1]) * 1024
        except OSError:
            pass
    return peaks


SERVERS = {'mariadbd': 'MariaDB', 'mysqld': 'MariaDB',
           'postgres': 'PostgreSQL', 'beam.smp': 'RabbitMQ'}


class CPUMeter:
    """CPU seconds used by a consumer process tree and by the servers
    (MariaDB or PostgreSQL, RabbitMQ) between start() and stop().
    PostgreSQL serves each connection from a process of its own: one
    that starts during the measure counts from zero."""

    def __init__(self, process):
        self.consumer = psutil.Process(process.pid)

    def _sample(self):
        """{(label, pid): CPU seconds} of every process measured."""
        values = {}
        try:
            family = [self.consumer] + self.consumer.children(recursive=True)
        except psutil.Error:
            family = []
        members = [('consumer', member) for member in family] + [
            (SERVERS[p.info['name']], p)
            for p in psutil.process_iter(['name'])
            if p.info['name'] in SERVERS]
        for label, member in members:
            try:
                times = member.cpu_times()
            except psutil.Error:
                continue
            values[(label, member.pid)] = times.user + times.system
        return values

    def start(self):
        self.started = self._sample()

    def stop(self):
        used = collections.Counter()
        for (label, pid), seconds in self._sample().items():
            used[label] += seconds - self.started.get((label, pid), 0.0)
        return dict(used)


def wait_for_attach(broker, queue, total, process, timeout):
    """Seconds since now until the consumer took its first messages
    (the ready count dropped below ``total``)."""
    deadline = time.monotonic() + timeout
    while broker.depth(queue) >= total:
        if process.poll() is not None:
            raise RuntimeError('consumer exited with %s before consuming'
                               % process.returncode)
        if time.monotonic() > deadline:
            raise RuntimeError('consumer did not start consuming in %ss'
                               % timeout)
        time.sleep(0.01)
    return time.monotonic()


def stop(process, timeout=60):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def settle(broker, queue, timeout=10):
    """Wait (untimed) until the consumer has acknowledged everything."""
    deadline = time.monotonic() + timeout
    totals = queue_totals(broker.vhost, queue)
    while totals and totals != (0, 0) and time.monotonic() < deadline:
        time.sleep(0.2)
        totals = queue_totals(broker.vhost, queue)
    return totals


def executor_option(args):
    """oslo.messaging's executor pool size line, when one is asked for
    (by default both consumers keep oslo.messaging's 64 threads)."""
    if args.executor_threads is None:
        return ''
    return 'executor_thread_pool_size = %d\n' % args.executor_threads


def run_noop(args, workdir, broker, bodies, run):
    pool = 'bench-noop-%s' % uuid.uuid4().hex[:8]
    conf_file = os.path.join(workdir, 'noop-%d.conf' % run)
    with open(conf_file, 'w') as stream:
        stream.write('[DEFAULT]\ntransport_url = %s\n%s\n'
                     '[oslo_messaging_rabbit]\n'
                     'amqp_durable_queues = true\n'
                     'rabbit_qos_prefetch_count = %d\n'
                     % (broker.url, executor_option(args), args.prefetch))
    declare_pool_queue(conf_file, pool, LISTEN_EXCHANGES)
    broker.queues.append(pool)
    published = broker.publish(pool, bodies)
    log = open(os.path.join(workdir, 'noop-%d.log' % run), 'w')
    spawned = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), '--noop-listener',
         '--config-file', conf_file, '--pool', pool,
         '--expect', str(len(bodies)), '--batch-size', str(args.batch_size),
         '--batch-timeout', str(args.batch_timeout)],
        stdout=subprocess.PIPE, stderr=log, text=True)
    marks = {}
    done = threading.Event()

    def read():
        for line in process.stdout:
            fields = line.split()
            if len(fields) == 2:
                marks[fields[0]] = float(fields[1])
                if fields[0] == 'DONE':
                    done.set()
        done.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        meter = CPUMeter(process)
        attached = wait_for_attach(broker, pool, len(bodies), process,
                                   args.timeout)
        # From the first delivery: start-up (imports) is not the drain's.
        meter.start()
        rss = {}
        sampler = psutil.Process(process.pid)
        while not done.wait(0.2):
            rss = peak_rss(sampler) or rss
            if time.monotonic() - attached > args.timeout:
                raise RuntimeError('no-op listener timed out')
        rss = peak_rss(sampler) or rss
        cpu = meter.stop()
        if 'DONE' not in marks:
            raise RuntimeError('no-op listener exited with %s'
                               % process.poll())
        settle(broker, pool)
    finally:
        stop(process)
        log.close()
        broker.delete(pool)
    seconds = marks['DONE'] - attached
    return {'seconds': seconds, 'rate': len(bodies) / seconds,
            'startup': attached - spawned, 'publish': published,
            'rss': max(rss.values()) if rss else None, 'cpu': cpu,
            'load': os.getloadavg()[0]}


def rintik_env(args):
    """The environment of rintik-manage and rintik-monitor: with
    ``--rintik-path``, that copy of the ``rintik`` package comes first."""
    env = dict(os.environ)
    if args.rintik_path:
        env['PYTHONPATH'] = os.pathsep.join(
            [os.path.abspath(args.rintik_path)] +
            ([env['PYTHONPATH']] if env.get('PYTHONPATH') else []))
    return env


def run_rintik(args, workdir, broker, database, bodies, expected, run):
    pool = 'bench-rintik-%s' % uuid.uuid4().hex[:8]
    conf_file = os.path.join(workdir, 'rintik-%d.conf' % run)
    lines = ['[DEFAULT]', 'transport_url = %s' % broker.url,
             'debug = %s' % args.debug, executor_option(args),
             '[database]', 'connection = %s' % database.url, '',
             '[oslo_messaging_rabbit]', 'amqp_durable_queues = true', '',
             '[notification]', 'workers = 1', 'pool_name = %s' % pool]
    for option in ('batch_size', 'batch_timeout', 'prefetch_count'):
        value = getattr(args, 'prefetch' if option == 'prefetch_count'
                        else option)
        lines.append('%s = %s' % (option, value))
    with open(conf_file, 'w') as stream:
        stream.write('\n'.join(lines) + '\n')
    database.recreate()
    subprocess.run([os.path.join(VENV_BIN, 'rintik-manage'), '--config-file',
                    conf_file, 'db', 'sync'], check=True,
                   stdout=subprocess.DEVNULL, env=rintik_env(args))
    database.prepare()
    declare_pool_queue(conf_file, pool, LISTEN_EXCHANGES)
    broker.queues.append(pool)
    published = broker.publish(pool, bodies)
    log = open(os.path.join(workdir, 'rintik-%d.log' % run), 'w')
    spawned = time.monotonic()
    command = [os.path.join(VENV_BIN, 'rintik-monitor')]
    env = rintik_env(args)
    if args.monitor_stats:
        command = [sys.executable, os.path.join(HERE, 'monitor_stats.py')]
        env['RINTIK_BENCH_STATS'] = args.monitor_stats
    process = subprocess.Popen(command + ['--config-file', conf_file],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    profiler = None
    total = len(bodies)
    try:
        meter = CPUMeter(process)
        attached = wait_for_attach(broker, pool, total, process,
                                   args.timeout)
        meter.start()
        sampler = psutil.Process(process.pid)
        if args.py_spy:
            workers = sampler.children(recursive=True)
            profiler = subprocess.Popen(
                [os.path.join(VENV_BIN, 'py-spy'), 'record', '--pid',
                 str(workers[0].pid if workers else process.pid),
                 '--rate', '200', '--format', 'raw',
                 '--threads', '--output', args.py_spy]
                + (['--idle'] if args.py_spy_idle else []),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rss = {}
        polls = 0
        while True:
            polls += 1
            # The count scans the observations: only once the queue has
            # nothing ready left (the rest is in the monitor's hands), so
            # that polling does not load the database during the drain.
            stored = 0
            if broker.depth(pool) == 0:
                stored = database.scalar('SELECT COUNT(DISTINCT message_id) '
                                         'FROM observations')
            if stored >= expected['observed'] and \
                    broker.depth(pool) == 0:
                finished = time.monotonic()
                cpu = meter.stop()
                break
            if process.poll() is not None:
                raise RuntimeError('rintik-monitor exited with %s, see %s'
                                   % (process.returncode, log.name))
            if time.monotonic() - attached > args.timeout:
                stored = database.scalar('SELECT COUNT(DISTINCT message_id) '
                                         'FROM observations')
                raise RuntimeError('rintik-monitor timed out: %d of %d '
                                   'committed' % (stored,
                                                  expected['observed']))
            if polls % 10 == 0:
                rss = peak_rss(sampler) or rss
            time.sleep(args.poll_interval)
        rss = peak_rss(sampler) or rss
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(60)
        remaining = settle(broker, pool)
        check = {
            'observed': stored,
            'projects': database.scalar('SELECT COUNT(*) FROM projects'),
            'quarantined': database.scalar('SELECT COUNT(*) FROM quarantine'),
            'intervals': database.scalar(
                'SELECT COUNT(*) FROM usage_intervals'),
            'resources': database.scalar('SELECT COUNT(*) FROM resources'),
            'queue_after': remaining,
        }
    finally:
        if profiler is not None and profiler.poll() is None:
            profiler.kill()
        stop(process)
        log.close()
        database.close()
        broker.delete(pool)
    workers = {pid: value for pid, value in rss.items()
               if pid != process.pid}
    seconds = finished - attached
    return {'seconds': seconds, 'rate': total / seconds,
            'startup': attached - spawned, 'publish': published,
            'rss': max(workers.values()) if workers else (
                max(rss.values()) if rss else None),
            'master_rss': rss.get(process.pid), 'check': check,
            'cpu': cpu, 'load': os.getloadavg()[0]}


# --------------------------------------------------------------------------
# The no-op listener (child process)


def noop_listener(args):
    from oslo_config import cfg
    import oslo_messaging

    class Endpoint:
        def __init__(self, expect):
            self.expect = expect
            self.received = 0

        def info(self, messages):
            if not self.received:
                print('FIRST %f' % time.monotonic(), flush=True)
            self.received += len(messages)
            if self.received >= self.expect > self.received - len(messages):
                print('DONE %f' % time.monotonic(), flush=True)

    conf = cfg.ConfigOpts()
    conf(['--config-file', args.config_file], default_config_files=[])
    transport = oslo_messaging.get_notification_transport(conf)
    listener = oslo_messaging.get_batch_notification_listener(
        transport, [oslo_messaging.Target(exchange=exchange, topic=TOPIC)
                    for exchange in LISTEN_EXCHANGES],
        [Endpoint(args.expect)], pool=args.pool, executor='threading',
        batch_size=args.batch_size, batch_timeout=args.batch_timeout)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stopping.set())
    listener.start()
    stopping.wait()
    listener.stop()
    listener.wait()
    transport.cleanup()


# --------------------------------------------------------------------------
# Report


def describe_backlog(messages, bodies, generator, expected):
    size = sum(len(body) for _exchange, body in bodies)
    by_service = collections.Counter(exchange for exchange, _m in messages)
    by_type = collections.Counter(m['event_type'] for _e, m in messages)
    print('Backlog: %d notifications, %.1f MB, average body %.2f KB' % (
        len(messages), size / 1e6, size / len(messages) / 1024))
    print('  by exchange: %s' % ', '.join(
        '%s %d' % item for item in by_service.most_common()))
    print('  event types: %s' % ', '.join(
        '%s %d' % item for item in by_type.most_common()))
    print('  resources: %s in %d projects (over %d days of events)' % (
        ', '.join('%s %d' % item for item in
                  sorted(generator.resources.items())),
        expected['projects'], generator.days))
    print('  billing-relevant (an observation to commit): %d (%.1f %%); '
          'keystone project events: %d; ignored by rintik: %d (%.1f %%); '
          'expected quarantined: %d' % (
              expected['observed'], 100.0 * expected['observed'] /
              len(messages), expected['records'] - expected['observed'],
              expected['ignored'], 100.0 * expected['ignored'] /
              len(messages), expected['quarantined']))


def megabytes(value):
    return '%.0f MB' % (value / 2 ** 20) if value else 'n/a'


def report(noop_runs, rintik_runs, count_):
    print()

    def cpu(result):
        seconds = result['seconds']
        consumer = result['cpu'].get('consumer')
        return ('CPU busy over the drain: %s; consumer CPU %.0f us per '
                'notification; load average %.1f' % (
                    ', '.join('%s %.0f %%' % (label, 100.0 * value / seconds)
                              for label, value in
                              sorted(result['cpu'].items())),
                    1e6 * consumer / count_ if consumer else 0,
                    result['load']))

    for index, (noop, rintik) in enumerate(zip(noop_runs, rintik_runs), 1):
        print('Run %d:' % index)
        if noop:
            print('  no-op batch listener: %6d in %6.2f s = %6.0f '
                  'notifications/s  (startup %.1f s, peak RSS %s)' % (
                      count_, noop['seconds'], noop['rate'], noop['startup'],
                      megabytes(noop['rss'])))
            print('    ' + cpu(noop))
        if rintik:
            check = rintik['check']
            print('  rintik-monitor      : %6d in %6.2f s = %6.0f '
                  'notifications/s  (startup %.1f s, peak RSS worker %s, '
                  'master %s)' % (
                      count_, rintik['seconds'], rintik['rate'],
                      rintik['startup'], megabytes(rintik['rss']),
                      megabytes(rintik['master_rss'])))
            print('    committed: %(observed)d observed messages, '
                  '%(resources)d resources, %(intervals)d usage intervals, '
                  '%(projects)d projects, %(quarantined)d quarantined; '
                  'queue after stop (ready, unacked): %(queue_after)s'
                  % check)
            print('    ' + cpu(rintik))
    noop_rate = rintik_rate = None
    print()
    if any(noop_runs):
        noop_rate = statistics.median(r['rate'] for r in noop_runs if r)
        print('no-op listener rate (median of %d): %.0f notifications/s'
              % (len([r for r in noop_runs if r]), noop_rate))
    if any(rintik_runs):
        rintik_rate = statistics.median(r['rate'] for r in rintik_runs if r)
        print('rintik rate (median of %d):         %.0f notifications/s'
              % (len([r for r in rintik_runs if r]), rintik_rate))
        print('rintik peak RSS (worker, max):      %s' % megabytes(
            max(r['rss'] or 0 for r in rintik_runs if r)))
    if noop_rate and rintik_rate:
        ratio = rintik_rate / noop_rate
        passed = ratio >= TARGET_RATIO
        print('ratio rintik / no-op:               %.2f (runs: %s)' % (
            ratio, ', '.join('%.2f' % (r['rate'] / n['rate'])
                             for n, r in zip(noop_runs, rintik_runs)
                             if n and r)))
        print('load average (1 min) after each run: %s' % ', '.join(
            '%.1f' % r['load'] for r in rintik_runs if r))
        print('target (ratio >= %.1f): %s' % (
            TARGET_RATIO, 'PASS' if passed else 'FAIL'))
        return passed
    return None


def report_stats(prefix):
    """Print the monitor_stats.py totals of the last worker."""
    directory, base = os.path.split(os.path.abspath(prefix))
    files = sorted((os.path.getmtime(os.path.join(directory, name)), name)
                   for name in os.listdir(directory)
                   if name.startswith(base + '.'))
    if not files:
        print('no monitor statistics in %s.*' % prefix)
        return
    with open(os.path.join(directory, files[-1][1])) as stream:
        data = json.load(stream)
    calls, messages, wall, cpu = data['batches']
    if not calls:
        return
    print()
    print('Monitor worker, per batch (%d batches, %.0f messages each): '
          'endpoint %.1f ms wall, %.1f ms thread CPU' % (
              calls, messages / calls, 1e3 * wall / calls,
              1e3 * cpu / calls))
    print('  %-45s %8s %8s %9s %9s' % ('statement', 'per batch', 'rows',
                                       'wall ms', 'CPU ms'))
    statements = sorted(data['statements'].items(),
                        key=lambda item: -item[1][2])
    total = [0, 0.0, 0.0]
    for kind, (count_, rows, s_wall, s_cpu) in statements:
        print('  %-45s %8.1f %8.1f %9.2f %9.2f' % (
            kind[:45], count_ / calls, rows / calls, 1e3 * s_wall / calls,
            1e3 * s_cpu / calls))
        total[0] += count_
        total[1] += s_wall
        total[2] += s_cpu
    print('  %-45s %8.1f %8s %9.2f %9.2f' % (
        'all statements', total[0] / calls, '', 1e3 * total[1] / calls,
        1e3 * total[2] / calls))
    print('  outside statements (Python, commit): %.1f ms wall, %.1f ms CPU'
          % (1e3 * (wall - total[1]) / calls, 1e3 * (cpu - total[2]) / calls))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--count', type=int, default=20000,
                        help='notifications in the backlog (default 20000)')
    parser.add_argument('--runs', type=int, default=1,
                        help='repeat both measurements; medians are '
                             'reported (default 1)')
    parser.add_argument('--seed', type=int, default=42)
    benchdb.add_arguments(parser, 'rintik_bench', backends=True)
    parser.add_argument('--days', type=int, default=7,
                        help='simulated time span of the backlog')
    parser.add_argument('--fixtures', default=os.environ.get(
        'RINTIK_NOTIFICATION_FIXTURES', os.path.join(
            os.path.dirname(REPO), 'shared', 'fixtures', 'notifications')))
    parser.add_argument('--only', choices=['noop', 'rintik'],
                        help='measure only one consumer')
    parser.add_argument('--batch-size', type=int, default=500)
    parser.add_argument('--batch-timeout', type=int, default=1)
    parser.add_argument('--prefetch', type=int, default=1000)
    parser.add_argument('--executor-threads', type=int,
                        help='[DEFAULT] executor_thread_pool_size of both '
                             'consumers (default: oslo.messaging\'s, 64)')
    parser.add_argument('--poll-interval', type=float, default=0.1,
                        help='seconds between two database polls')
    parser.add_argument('--timeout', type=float, default=900)
    parser.add_argument('--debug', action='store_true',
                        help='run rintik-monitor with debug logging')
    parser.add_argument('--py-spy', metavar='FILE',
                        help='record the monitor worker with py-spy '
                             '(collapsed stacks) into FILE')
    parser.add_argument('--py-spy-idle', action='store_true',
                        help='with --py-spy: also record threads that '
                             'wait (for the database, the broker)')
    parser.add_argument('--rintik-path', metavar='DIR',
                        help='directory holding a (patched) copy of the '
                             'rintik package to run the monitor from, for '
                             'A/B comparisons without touching the '
                             'checkout')
    parser.add_argument('--monitor-stats', metavar='FILE',
                        help='run the monitor through monitor_stats.py '
                             '(SQL statement and batch timings) and print '
                             'them; raw totals go to FILE.<pid>')
    parser.add_argument('--keep', action='store_true',
                        help='keep the virtual host, database and work '
                             'directory (for inspection)')
    parser.add_argument('--vhost',
                        help='use this existing RabbitMQ virtual host '
                             'instead of a temporary one')
    parser.add_argument('--rabbit-host', default='127.0.0.1')
    parser.add_argument('--rabbit-port', type=int, default=5672)
    parser.add_argument('--rabbit-user', default='guest')
    parser.add_argument('--rabbit-password', default='guest')
    # Internal: the no-op listener child process.
    parser.add_argument('--noop-listener', action='store_true',
                        help=argparse.SUPPRESS)
    parser.add_argument('--config-file', help=argparse.SUPPRESS)
    parser.add_argument('--pool', help=argparse.SUPPRESS)
    parser.add_argument('--expect', type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.noop_listener:
        return noop_listener(args)
    if args.py_spy:
        args.py_spy = os.path.abspath(args.py_spy)
    workdir = tempfile.mkdtemp(prefix='rintik-bench-')
    broker = Broker(args)
    database = benchdb.database(args, workdir)
    noop_runs, rintik_runs = [], []
    broker.create()
    try:
        generator = Generator(load_templates(args.fixtures), args.count,
                              args.seed, args.days)
        messages = generator.generate()
        bodies = [(exchange, wire_body(message))
                  for exchange, message in messages]
        probe = os.path.join(workdir, 'probe.conf')
        with open(probe, 'w') as stream:
            stream.write('[notification]\n')
        expected = expected_effect(probe, messages)
        describe_backlog(messages, bodies, generator, expected)
        print('RabbitMQ vhost %s, %s database %s, work directory %s' % (
            broker.vhost, args.backend, database.name, workdir))
        for run in range(1, args.runs + 1):
            noop = rintik = None
            if args.only != 'rintik':
                noop = run_noop(args, workdir, broker, bodies, run)
                print('run %d no-op: %.0f notifications/s' % (
                    run, noop['rate']), flush=True)
            if args.only != 'noop':
                rintik = run_rintik(args, workdir, broker, database, bodies,
                                    expected, run)
                print('run %d rintik: %.0f notifications/s' % (
                    run, rintik['rate']), flush=True)
            noop_runs.append(noop)
            rintik_runs.append(rintik)
        passed = report(noop_runs, rintik_runs, len(bodies))
        if args.monitor_stats:
            report_stats(args.monitor_stats)
        if args.py_spy:
            print('py-spy profile of the last rintik run: %s' % args.py_spy)
    finally:
        if not args.keep:
            broker.destroy()
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if passed in (None, True) else 1


if __name__ == '__main__':
    sys.exit(main())
