"""Scripted lives of one resource of each type, as the services publish them.

Each notification is a messagingv2 envelope with a fixed ``timestamp`` and
``message_id`` and a payload with the keys of the real samples in
``$RINTIK_NOTIFICATION_FIXTURES`` (Nova legacy format, Cinder, Neutron,
Glance, Keystone CADF). ``stream(copy)`` is the whole script; copy ``n``
has its own resource and message ids and is ``n * COPY_SHIFT`` later, so
long streams of many resources are built from it. ``EXPECTED`` are the
usage intervals of copy 0, written out by hand from PRODUCT.md §1.
"""

import collections
import datetime

# The ids of copy 0; copy n replaces the last four hex digits by n.
PROJECT = '5c8e2f1a9b3d4e6f8a0b1c2d3e4f0000'
OTHER_PROJECT = '7e1d0c2b3a4f4e5d6c7b8a9f0e1d0000'
ADMIN_PROJECT = '0d3f5a7c9e1b4d6f8a2c4e6a8b0d2f41'
USER = 'd2ac2752732444adac10fc4911fdac75'
ADMIN_USER = '99b5533ea19f4009a2b4a047e7b05533'
INSTANCE = 'c5d0a6e2-3f1b-4b8e-9a7c-0e2d3c4b0000'
VOLUME = 'f54b1d2f-4514-4688-8da7-4bc667670000'
SNAPSHOT = '56f91625-2fc5-4e4a-8284-4bfd3b3a0000'
FLOATING_IP = '1a124625-4c71-4d20-a65b-3cf344650000'
ROUTER = '0b143748-44d2-4545-9230-864c3abc0000'
IMAGE = '7ba7087c-b81e-4807-b0e3-dd851f330000'
PORT = '2f5e1c8a-6b3d-4a9e-8c7f-1d2e3f4a5b6c'
VOLUME_TYPE = '3706aa72-cb65-4971-83e8-48e1477efd1d'
OTHER_VOLUME_TYPE = 'b7c1e0d2-5a4f-4c3b-9e8d-7f6a5b4c3d2e'
EXTERNAL_NETWORK = '8891323e-bf5b-48d7-a75e-669af0608538'
IMAGE_SIZE = 16300544  # bytes: 0.015181064605712890625 GiB

COPIED_IDS = (PROJECT, OTHER_PROJECT, INSTANCE, VOLUME, SNAPSHOT,
              FLOATING_IP, ROUTER, IMAGE)
COPY_SHIFT = datetime.timedelta(seconds=37)
TIME_FORMAT = '%Y-%m-%d %H:%M:%S.%f'
DAY = '2026-03-01 '

FLAVORS = {
    # flavor id: (name, instance_type_id, memory_mb, vcpus, root_gb)
    '1': ('m1.tiny', 2, 512, 1, 1),
    '2': ('m1.small', 5, 2048, 1, 20),
}

# What the monitor must derive from copy 0 (``rintik-manage usage list``
# columns): resource type, resource id, project, price key, quantity,
# start, end.
EXPECTED = [
    # created, resized (finish_resize.end), stopped and shelved (still
    # billable), offloaded (not billable), unshelved, deleted.
    ('instance', INSTANCE, PROJECT, '1', '1',
     '2026-03-01T10:00:05Z', '2026-03-01T11:00:00Z'),
    ('instance', INSTANCE, PROJECT, '2', '1',
     '2026-03-01T11:00:00Z', '2026-03-01T13:00:00Z'),
    ('instance', INSTANCE, PROJECT, '2', '1',
     '2026-03-01T14:00:00Z', '2026-03-01T15:00:00Z'),
    # created, attached, detached, extended, retyped, deleted.
    ('volume', VOLUME, PROJECT, VOLUME_TYPE, '10',
     '2026-03-01T10:01:00Z', '2026-03-01T12:00:00Z'),
    ('volume', VOLUME, PROJECT, VOLUME_TYPE, '20',
     '2026-03-01T12:00:00Z', '2026-03-01T13:00:00Z'),
    ('volume', VOLUME, PROJECT, OTHER_VOLUME_TYPE, '20',
     '2026-03-01T13:00:00Z', '2026-03-01T16:00:00Z'),
    # created, renamed, deleted.
    ('snapshot', SNAPSHOT, PROJECT, None, '10',
     '2026-03-01T10:30:00Z', '2026-03-01T14:30:00Z'),
    # allocated, associated, disassociated, released (id-only payload).
    ('floating_ip', FLOATING_IP, PROJECT, None, '1',
     '2026-03-01T10:02:00Z', '2026-03-01T15:30:00Z'),
    # created without gateway, gateway set, cleared, set again, deleted.
    ('router', ROUTER, PROJECT, None, '1',
     '2026-03-01T10:20:00Z', '2026-03-01T12:40:00Z'),
    ('router', ROUTER, PROJECT, None, '1',
     '2026-03-01T13:10:00Z', '2026-03-01T17:00:00Z'),
    # queued, uploaded (active), deactivated, reactivated, deleted.
    ('image', IMAGE, PROJECT, None, '0.015181064605712890625',
     '2026-03-01T10:06:00Z', '2026-03-01T11:45:00Z'),
    ('image', IMAGE, PROJECT, None, '0.015181064605712890625',
     '2026-03-01T12:15:00Z', '2026-03-01T18:00:00Z'),
]

# Billing projects after copy 0: id, known since, retired at.
EXPECTED_PROJECTS = [
    (PROJECT, '2026-03-01 09:59:59.500000', None),
    (OTHER_PROJECT, '2026-03-01 10:00:00.200000',
     '2026-03-01 17:30:00.400000'),
]

Message = collections.namedtuple('Message', 'exchange envelope')


def copy_id(value, copy):
    """``value`` (one of COPIED_IDS) as it is in copy ``copy``."""
    if value in COPIED_IDS:
        return value[:-4] + '%04x' % copy
    return value


def shift(timestamp, copy):
    """A ``YYYY-MM-DD HH:MM:SS.ffffff`` time as it is in copy ``copy``."""
    moment = datetime.datetime.strptime(timestamp, TIME_FORMAT)
    return (moment + copy * COPY_SHIFT).strftime(TIME_FORMAT)


def _shift_iso(value, copy):
    moment = datetime.datetime.strptime(value, '%Y-%m-%dT%H:%M:%SZ')
    return (moment + copy * COPY_SHIFT).strftime('%Y-%m-%dT%H:%M:%SZ')


def expected(copies=1):
    """The usage intervals of copies 0 .. copies-1, sorted."""
    rows = []
    for copy in range(copies):
        for rtype, rid, project, price_key, quantity, start, end in EXPECTED:
            rows.append((rtype, copy_id(rid, copy), copy_id(project, copy),
                         price_key, quantity, _shift_iso(start, copy),
                         _shift_iso(end, copy)))
    return sorted(rows)


def expected_projects(copies=1):
    """Billing projects of copies 0 .. copies-1, sorted."""
    return sorted((copy_id(project, copy), shift(since, copy),
                   retired and shift(retired, copy))
                  for copy in range(copies)
                  for project, since, retired in EXPECTED_PROJECTS)


class _Script:
    """Builds the envelopes of one copy."""

    def __init__(self, copy):
        self.copy = copy
        self.project_id = copy_id(PROJECT, copy)
        self.other_project_id = copy_id(OTHER_PROJECT, copy)
        self.messages = []

    def emit(self, exchange, step, time, event_type, publisher_id, payload,
             ctxt=None):
        """One notification: ``step`` makes its fixed message id."""
        self.messages.append(Message(exchange, {
            'message_id': '%08d-2026-4301-8000-%012x' % (step, self.copy),
            'publisher_id': publisher_id,
            'event_type': event_type,
            'priority': 'INFO',
            'payload': payload,
            'timestamp': shift(DAY + time, self.copy),
            'ctxt': {} if ctxt is None else ctxt,
        }))

    def user_context(self, time, admin=False):
        """The request context a service packs as ``_context_*`` (the
        caller: billing never reads it)."""
        project = ADMIN_PROJECT if admin else self.project_id
        user = ADMIN_USER if admin else USER
        return {
            'user_id': user, 'user': user, 'project_id': project,
            'tenant': project, 'project_name': 'admin' if admin else 'demo',
            'user_name': 'admin' if admin else 'demo', 'is_admin': admin,
            'roles': ['admin', 'member', 'reader'] if admin else
            ['member', 'reader'],
            'request_id': 'req-%s' % self.messages_id_hint(),
            'timestamp': shift(DAY + time, self.copy),
            'remote_address': '192.0.2.15', 'auth_token': None,
            'read_only': False, 'show_deleted': False, 'domain': None,
            'user_domain': 'default', 'project_domain': 'default',
            'resource_uuid': None, 'read_deleted': 'no',
        }

    def messages_id_hint(self):
        return '%08x-4c1a-4e2b-9d3c-%012x' % (len(self.messages), self.copy)

    # Nova (exchange nova, legacy notification format)

    def instance(self, step, time, event, state, flavor='1', host='node-1',
                 task_state='', admin=False, **extra):
        name, type_id, memory, vcpus, root_gb = FLAVORS[flavor]
        instance_id = copy_id(INSTANCE, self.copy)
        payload = {
            'access_ip_v4': None, 'access_ip_v6': None,
            'architecture': None, 'availability_zone': 'nova',
            'cell_name': '',
            'created_at': shift(DAY + '09:59:58.000000', self.copy)[:19]
            + '+00:00',
            'deleted_at': '', 'disk_gb': root_gb, 'display_name': 'web-1',
            'ephemeral_gb': 0,
            'fixed_ips': [{'address': '192.168.1.197', 'floating_ips': [],
                           'label': 'demo-net', 'meta': {}, 'type': 'fixed',
                           'version': 4, 'vif_mac': 'fa:16:3e:a3:c0:0f'}],
            'host': host, 'hostname': 'web-1',
            'image_meta': {'base_image_ref': copy_id(IMAGE, self.copy),
                           'container_format': 'bare',
                           'disk_format': 'qcow2', 'min_disk': '1',
                           'min_ram': '0'},
            'image_ref_url': 'http://192.0.2.10:9292/images/%s'
            % copy_id(IMAGE, self.copy),
            'instance_flavor_id': flavor, 'instance_id': instance_id,
            'instance_type': name, 'instance_type_id': type_id,
            'kernel_id': '',
            'launched_at': '' if state == 'building' else
            shift(DAY + '10:00:05.512345', self.copy).replace(' ', 'T'),
            'memory_mb': memory, 'message': 'Success', 'metadata': {},
            'node': host, 'os_type': None, 'progress': '',
            'ramdisk_id': '', 'reservation_id': 'r-56edz88e',
            'root_gb': root_gb, 'state': state,
            'state_description': task_state, 'tenant_id': self.project_id,
            'terminated_at': '', 'user_id': USER, 'vcpus': vcpus,
        }
        payload.update(extra)
        self.emit('nova', step, time, 'compute.instance.' + event,
                  'compute.' + (host or 'node-1'), payload,
                  self.user_context(time, admin))

    # Cinder (exchange openstack: Cinder never sets its control_exchange)

    def volume(self, step, time, event, status, size=10,
               volume_type=VOLUME_TYPE, attached=False, **extra):
        payload = {
            'status': status, 'user_id': USER, 'display_name': 'data',
            'availability_zone': 'nova', 'tenant_id': self.project_id,
            'created_at': shift(DAY + '10:00:59.000000', self.copy)[:19]
            + '+00:00',
            'volume_attachment': [{
                'instance_uuid': copy_id(INSTANCE, self.copy),
                'attach_status': 'attached', 'mountpoint': '/dev/vdb',
            }] if attached else [],
            'volume_type': volume_type,
            'host': 'cinder-1@lvmdriver-1#lvmdriver-1',
            'snapshot_id': None, 'replication_status': 'disabled',
            'volume_id': copy_id(VOLUME, self.copy),
            'replication_extended_status': None,
            'replication_driver_data': None, 'size': size,
            'launched_at': shift(DAY + '10:01:00.045721', self.copy)[:26]
            + '+00:00', 'metadata': [],
        }
        payload.update(extra)
        self.emit('openstack', step, time, 'volume.' + event,
                  'volume.cinder-1@lvmdriver-1#lvmdriver-1', payload,
                  self.user_context(time))

    def snapshot(self, step, time, event, status, name='nightly',
                 exchange='openstack', **extra):
        payload = {
            'status': status, 'display_name': name,
            'availability_zone': 'nova', 'deleted': '',
            'tenant_id': self.project_id,
            'created_at': shift(DAY + '10:29:59.000000', self.copy)[:19]
            + '+00:00',
            'volume_id': copy_id(VOLUME, self.copy), 'volume_size': 10,
            'snapshot_id': copy_id(SNAPSHOT, self.copy), 'user_id': USER,
            'metadata': '',
        }
        payload.update(extra)
        self.emit(exchange, step, time, 'snapshot.' + event,
                  'snapshot.cinder-1@lvmdriver-1', payload,
                  self.user_context(time))

    # Neutron (exchange neutron)

    def floating_ip(self, step, time, event, port=False, id_only=False):
        fip_id = copy_id(FLOATING_IP, self.copy)
        if id_only:
            payload = {'floatingip_id': fip_id}
        else:
            payload = {'floatingip': {
                'router_id': copy_id(ROUTER, self.copy) if port else None,
                'status': 'ACTIVE' if port else 'DOWN', 'description': '',
                'dns_name': '', 'dns_domain': '',
                'floating_network_id': EXTERNAL_NETWORK,
                'fixed_ip_address': '10.0.0.5' if port else None,
                'floating_ip_address': '172.25.0.20',
                'tenant_id': self.project_id, 'project_id': self.project_id,
                'port_id': PORT if port else None, 'id': fip_id,
            }}
        self.emit('neutron', step, time, 'floatingip.' + event,
                  'network.neutron-server-1', payload,
                  self.user_context(time))

    def router(self, step, time, event, gateway=False, id_only=False):
        router_id = copy_id(ROUTER, self.copy)
        if id_only:
            payload = {'router_id': router_id}
        else:
            payload = {'router': {
                'status': 'ACTIVE',
                'external_gateway_info': {
                    'network_id': EXTERNAL_NETWORK, 'enable_snat': True,
                    'external_fixed_ips': [{
                        'subnet_id': '8cbe9b71-ecf1-4355-b5ba-dee54ec88fa7',
                        'ip_address': '172.25.0.3'}],
                } if gateway else None,
                'availability_zone_hints': [],
                'availability_zones': ['nova'], 'name': 'edge',
                'admin_state_up': True, 'tenant_id': self.project_id,
                'project_id': self.project_id, 'distributed': False,
                'routes': [], 'ha': False, 'id': router_id,
            }}
        self.emit('neutron', step, time, 'router.' + event,
                  'network.neutron-server-1', payload,
                  self.user_context(time))

    # Glance (exchange glance, empty context)

    def image(self, step, time, event, status, size=IMAGE_SIZE):
        payload = {
            'status': status,
            'created_at': shift(DAY + '10:04:00.000000', self.copy)
            .replace(' ', 'T'),
            'virtual_size': None, 'name': 'cirros-0.6.2-x86_64',
            'deleted': status == 'deleted', 'container_format': 'bare',
            'min_ram': 0, 'disk_format': 'qcow2',
            'updated_at': shift(DAY + time, self.copy)[:19].replace(' ', 'T')
            + '.000000',
            'properties': {}, 'min_disk': 0, 'protected': False,
            'checksum': None if size is None else
            'c8fc807773e5354afe61636071771906',
            'owner': self.project_id, 'is_public': False,
            'deleted_at': None, 'id': copy_id(IMAGE, self.copy),
            'size': size,
        }
        self.emit('glance', step, time, 'image.' + event,
                  'image.glance-api-1', payload)

    # Keystone (exchange keystone, CADF format, empty context)

    def project(self, step, time, action, project_id):
        event_time = shift(DAY + time, self.copy).replace(' ', 'T')
        payload = {
            'typeURI': 'http://schemas.dmtf.org/cloud/audit/1.0/event',
            'eventType': 'activity',
            'id': '93cff481-dd11-5017-8048-%012x' % step,
            'eventTime': event_time + '+0000',
            'action': '%s.project' % action, 'outcome': 'success',
            'observer': {'id': 'ad1c83a7f5f746d2a04fcc8dda226368',
                         'typeURI': 'service/security'},
            'initiator': {
                'id': ADMIN_USER,
                'typeURI': 'service/security/account/user',
                'host': {'address': '192.0.2.15',
                         'agent': 'python-keystoneclient'},
                'user_id': ADMIN_USER, 'project_id': ADMIN_PROJECT,
                'request_id': 'req-%s' % self.messages_id_hint(),
                'username': 'admin'},
            'target': {'id': project_id, 'typeURI': 'data/security/project'},
            'resource_info': project_id,
        }
        self.emit('keystone', step, time, 'identity.project.' + action,
                  'identity.keystone-api-1', payload)


def stream(copy=0):
    """Every notification of copy ``copy``, in the order it happened."""
    s = _Script(copy)
    s.project(1, '09:59:59.500000', 'created', s.project_id)
    s.project(2, '10:00:00.200000', 'created', s.other_project_id)
    s.instance(101, '10:00:00.123456', 'create.start', 'building')
    s.instance(102, '10:00:05.654321', 'create.end', 'active')
    s.volume(201, '10:00:59.000321', 'create.start', 'creating')
    s.volume(202, '10:01:00.100000', 'create.end', 'available')
    s.floating_ip(401, '10:02:00.500000', 'create.end')
    s.router(501, '10:03:00.700000', 'create.end')
    s.image(601, '10:04:00.800000', 'create', 'queued', size=None)
    s.volume(203, '10:05:00.000000', 'attach.end', 'in-use', attached=True)
    s.image(602, '10:05:59.100000', 'prepare', 'importing', size=None)
    s.image(603, '10:06:00.300000', 'upload', 'active')
    s.image(604, '10:06:00.310000', 'activate', 'active')
    s.project(3, '10:10:00.000000', 'updated', s.other_project_id)
    s.floating_ip(402, '10:10:00.000000', 'update.end', port=True)
    s.router(502, '10:20:00.123000', 'update.end', gateway=True)
    s.snapshot(301, '10:29:59.000000', 'create.start', 'creating')
    s.snapshot(302, '10:30:00.200000', 'create.end', 'available')
    s.instance(103, '10:59:50.000100', 'exists', 'active',
               audit_period_beginning='2026-03-01 00:00:00',
               audit_period_ending='2026-03-01 10:59:50')
    s.instance(104, '10:59:50.500000', 'resize.prep.start', 'active',
               task_state='resize_prep')
    s.instance(105, '10:59:51.000000', 'resize.prep.end', 'active',
               task_state='resize_prep')
    s.instance(106, '10:59:59.000000', 'finish_resize.start', 'active',
               flavor='2', host='node-2', task_state='resize_finish')
    s.instance(107, '11:00:00.250000', 'finish_resize.end', 'resized',
               flavor='2', host='node-2')
    s.instance(108, '11:02:03.500000', 'resize.confirm.end', 'active',
               flavor='2', host='node-2')
    s.snapshot(303, '11:30:00.000000', 'update.end', 'available',
               name='nightly-2026-03-01')
    s.volume(204, '11:40:00.000000', 'detach.end', 'available')
    s.image(605, '11:45:00.600000', 'update', 'deactivated')
    s.volume(205, '12:00:00.900000', 'resize.end', 'available', size=20)
    s.instance(109, '12:00:00.750000', 'power_off.end', 'stopped',
               flavor='2', host='node-2')
    s.image(606, '12:15:00.050000', 'update', 'active')
    s.instance(110, '12:30:00.300000', 'shelve.end', 'shelved', flavor='2',
               host='node-2')
    s.router(503, '12:40:00.500000', 'update.end')
    s.instance(111, '13:00:00.400000', 'shelve_offload.end',
               'shelved_offloaded', flavor='2', host=None)
    s.volume(206, '13:00:00.000001', 'retype', 'available', size=20,
             volume_type=OTHER_VOLUME_TYPE)
    s.router(504, '13:10:00.000000', 'update.end', gateway=True)
    s.floating_ip(403, '13:30:00.000000', 'update.end')
    s.instance(112, '14:00:00.999999', 'unshelve.end', 'active',
               flavor='2', host='node-3')
    s.snapshot(304, '14:29:58.000000', 'delete.start', 'deleting')
    s.snapshot(305, '14:30:00.300000', 'delete.end', 'deleted')
    s.instance(113, '14:59:55.000000', 'delete.start', 'active',
               flavor='2', host='node-3', task_state='deleting', admin=True)
    s.instance(114, '15:00:00.500000', 'delete.end', 'deleted', flavor='2',
               host='node-3', admin=True,
               terminated_at=shift(DAY + '15:00:00.400000', copy))
    s.floating_ip(404, '15:30:00.250000', 'delete.end', id_only=True)
    s.volume(207, '15:59:58.000000', 'delete.start', 'deleting', size=20,
             volume_type=OTHER_VOLUME_TYPE)
    s.volume(208, '16:00:00.000001', 'delete.end', 'deleted', size=20,
             volume_type=OTHER_VOLUME_TYPE)
    s.router(505, '17:00:00.900000', 'delete.end', id_only=True)
    s.project(4, '17:30:00.400000', 'deleted', s.other_project_id)
    s.image(607, '18:00:00.500000', 'delete', 'deleted')
    return sorted(s.messages, key=lambda m: m.envelope['timestamp'])


def resent(copy=0):
    """Events re-sent under new message ids (Cinder's usage audit, Nova's
    periodic and state-change notices, Neutron retries, repeated Keystone
    deletes): they only repeat what ``stream(copy)`` said."""
    s = _Script(copy)
    audit = dict(audit_period_beginning='2026-03-01 00:00:00',
                 audit_period_ending='2026-03-02 00:00:00')
    s.instance(901, '12:00:00.750001', 'update', 'stopped', flavor='2',
               host='node-2', old_state='active', old_task_state=None,
               new_task_state=None)
    s.instance(902, '23:59:59.000000', 'exists', 'deleted', flavor='2',
               host='node-3', **audit)
    s.volume(903, '11:00:00.000000', 'exists', 'in-use', attached=True,
             **audit)
    s.volume(904, '23:59:59.100000', 'exists', 'deleted', size=20,
             volume_type=OTHER_VOLUME_TYPE, **audit)
    s.volume(905, '23:59:59.200000', 'create.end', 'available',
             audit_period_beginning='2026-03-01 10:00:59',
             audit_period_ending='2026-03-01 10:00:59')
    s.volume(906, '23:59:59.300000', 'delete.end', 'deleted', size=20,
             volume_type=OTHER_VOLUME_TYPE,
             audit_period_beginning='2026-03-01 16:00:00',
             audit_period_ending='2026-03-01 16:00:00')
    s.snapshot(907, '12:00:00.000000', 'exists', 'available',
               name='nightly-2026-03-01', **audit)
    s.snapshot(908, '23:59:59.400000', 'create.end', 'available',
               audit_period_beginning='2026-03-01 10:29:59',
               audit_period_ending='2026-03-01 10:29:59')
    s.floating_ip(909, '11:11:11.111111', 'update.end', port=True)
    s.router(910, '11:00:00.500000', 'update.end', gateway=True)
    s.router(911, '17:00:01.000000', 'delete.end', id_only=True)
    s.image(912, '12:30:00.000000', 'update', 'active')
    s.project(913, '17:47:00.000000', 'deleted', s.other_project_id)
    s.project(914, '17:51:00.000000', 'deleted', s.other_project_id)
    return s.messages


def observed_ids(messages):
    """Message ids that leave an observation (Keystone events and the
    events no handler takes leave none)."""
    ignored = ('.start', '.prep.end', 'image.prepare')
    return set(m.envelope['message_id'] for m in messages
               if m.exchange != 'keystone'
               and not m.envelope['event_type'].endswith(ignored))
