"""A quarter (January to April 2026) of four projects' notifications, the
rate card it is priced with, and the invoices it must give, computed by
hand.

Payloads are shaped like the recorded ones in the notification fixtures
(legacy Nova, Cinder, Neutron including the old ``{"floatingip_id"}``
delete, Glance, Keystone CADF).
"""

import random
import uuid

PA = '0a1f6c2e8b3d4e5f9a7b6c5d4e3f2a1b'   # alpha: web VM, data volume
PB = '1b2c3d4e5f60718293a4b5c6d7e8f901'   # beta: floating IP, router
PC = '2c3d4e5f6071829304a5b6c7d8e9f012'   # gamma: capped VM, snapshot, image
PD = '3d4e5f607182930415b6c7d8e9f01234'   # delta: retired in January

NAMESPACE = uuid.UUID('6f1c9d2a-3b4e-4f5a-8b6c-7d8e9f0a1b2c')
GIB = 2 ** 30

# price set arguments; all first versions (they reach back).
PRICES = [
    ['flavor', 'f.small', '--hourly', '0.0125'],
    ['flavor', 'f.large', '--hourly', '0.05'],
    ['flavor', 'f.capped', '--hourly', '0.02', '--monthly', '10'],
    ['volume', 'ssd', '--hourly', '0.0002'],
    ['floating_ip', '--hourly', '0.005'],
    ['router', '--hourly', '0.01'],
    ['snapshot', '--hourly', '0.00005'],
    ['image', '--hourly', '0.0001'],
]
TAX = '11'


def _envelope(event_type, timestamp, payload, publisher):
    return {
        'event_type': event_type,
        'publisher_id': publisher,
        'timestamp': '2026-' + timestamp if timestamp[:2] != '20' else
        timestamp,
        'priority': 'INFO',
        'message_id': str(uuid.uuid5(NAMESPACE, '%s %s %s' % (
            event_type, timestamp, sorted(payload.items())))),
        'payload': payload,
        'ctxt': {'project_id': 'f0' * 16, 'user_id': 'admin',
                 'is_admin': True},
    }


def instance(event, timestamp, project, instance_id, name, flavor,
             state='active'):
    """A legacy compute.instance.* notification (the caller's context is
    the admin, never the owner: the payload's tenant_id is)."""
    return _envelope('compute.instance.' + event, timestamp, {
        'tenant_id': project, 'user_id': 'u-' + project[:8],
        'instance_id': instance_id, 'display_name': name,
        'hostname': name, 'host': 'compute-1',
        'instance_type': flavor, 'instance_flavor_id': flavor,
        'instance_type_id': 7, 'memory_mb': 2048, 'vcpus': 1,
        'root_gb': 20, 'disk_gb': 20, 'ephemeral_gb': 0,
        'state': state, 'state_description': '',
        'launched_at': '2026-01-01T00:00:00.000000',
        'deleted_at': '', 'image_ref_url': 'http://glance/images/x',
        'metadata': {}, 'fixed_ips': []}, 'compute.compute-1')


def volume(event, timestamp, project, volume_id, name, size,
           status='available'):
    return _envelope('volume.' + event, timestamp, {
        'tenant_id': project, 'user_id': 'u-' + project[:8],
        'volume_id': volume_id, 'display_name': name, 'size': size,
        'volume_type': 'ssd', 'status': status, 'availability_zone': 'nova',
        'created_at': '2026-01-10T00:00:00+00:00', 'snapshot_id': None,
        'host': 'cinder@lvm#lvm', 'volume_attachment': [], 'metadata': []},
        'volume.cinder@lvm')


def snapshot(event, timestamp, project, snapshot_id, name, volume_size):
    return _envelope('snapshot.' + event, timestamp, {
        'tenant_id': project, 'user_id': 'u-' + project[:8],
        'snapshot_id': snapshot_id, 'display_name': name,
        'volume_id': 'vol-x', 'volume_size': volume_size,
        'status': 'available', 'created_at': '2026-01-20 00:00:00+00:00',
        'deleted': '', 'metadata': ''}, 'snapshot.cinder@lvm')


def floatingip(event, timestamp, project, fip_id, address, port=None):
    if event == 'delete.end':
        # Older Neutron: only the id, no project.
        payload = {'floatingip_id': fip_id}
    else:
        payload = {'floatingip': {
            'id': fip_id, 'tenant_id': project, 'project_id': project,
            'floating_ip_address': address, 'port_id': port,
            'fixed_ip_address': None, 'router_id': None, 'status': 'DOWN',
            'floating_network_id': 'net-public', 'description': ''}}
    return _envelope('floatingip.' + event, timestamp, payload,
                     'network.neutron-1')


def router(event, timestamp, project, router_id, name, gateway):
    info = None
    if gateway:
        info = {'network_id': 'net-public', 'enable_snat': True,
                'external_fixed_ips': [{'subnet_id': 'sub-public',
                                        'ip_address': '203.0.113.1'}]}
    return _envelope('router.' + event, timestamp, {'router': {
        'id': router_id, 'tenant_id': project, 'project_id': project,
        'name': name, 'status': 'ACTIVE', 'admin_state_up': True,
        'external_gateway_info': info, 'routes': [], 'distributed': False,
        'ha': False}}, 'network.neutron-1')


def image(event, timestamp, project, image_id, name, status, size):
    return _envelope('image.' + event, timestamp, {
        'id': image_id, 'owner': project, 'name': name, 'status': status,
        'size': size, 'virtual_size': None, 'disk_format': 'qcow2',
        'container_format': 'bare', 'is_public': False, 'protected': False,
        'deleted': status == 'deleted', 'min_disk': 0, 'min_ram': 0,
        'properties': {}}, 'image.glance-1')


def project(event, timestamp, project_id):
    return _envelope('identity.project.' + event, timestamp, {
        'typeURI': 'http://schemas.dmtf.org/cloud/audit/1.0/event',
        'eventType': 'activity', 'action': event + '.project',
        'outcome': 'success', 'resource_info': project_id,
        'target': {'id': project_id, 'typeURI': 'data/security/project'}},
        'identity.keystone-1')


QUARTER = [
    # alpha: web-1, f.small, then resized to f.large, deleted 15 Mar.
    instance('create.start', '01-05 07:59:12.100000', PA, 'vm-a1', 'web-1',
             'f.small', 'building'),
    instance('create.end', '01-05 08:00:00.734112', PA, 'vm-a1', 'web-1',
             'f.small'),
    instance('power_off.end', '01-20 00:00:00.500000', PA, 'vm-a1',
             'web-1', 'f.small', 'stopped'),
    instance('power_on.end', '01-22 00:00:00.200000', PA, 'vm-a1', 'web-1',
             'f.small'),
    instance('resize.prep.end', '02-10 11:50:00.000000', PA, 'vm-a1',
             'web-1', 'f.small'),
    instance('finish_resize.end', '02-10 12:00:00.999999', PA, 'vm-a1',
             'web-1', 'f.large', 'resized'),
    instance('resize.confirm.end', '02-10 12:05:00.000000', PA, 'vm-a1',
             'web-1', 'f.large'),
    instance('exists', '03-01 00:00:10.000000', PA, 'vm-a1', 'web-1',
             'f.large'),
    instance('delete.start', '03-15 18:30:29.000000', PA, 'vm-a1', 'web-1',
             'f.large'),
    instance('delete.end', '03-15 18:30:30.250000', PA, 'vm-a1', 'web-1',
             'f.large', 'deleted'),
    # alpha: data-1, 20 GB, 50 GB from 1 Feb 12:00, deleted 31 Mar 12:00;
    # Cinder's audit re-sends it afterwards: gone is final.
    volume('create.end', '01-10 00:00:00.300000', PA, 'vol-a1', 'data-1',
           20),
    volume('attach.end', '01-10 00:05:00.000000', PA, 'vol-a1', 'data-1',
           20, 'in-use'),
    volume('resize.end', '02-01 12:00:00.100000', PA, 'vol-a1', 'data-1',
           50, 'in-use'),
    volume('detach.end', '03-31 11:55:00.000000', PA, 'vol-a1', 'data-1',
           50),
    volume('delete.end', '03-31 12:00:00.400000', PA, 'vol-a1', 'data-1',
           50, 'deleting'),
    volume('exists', '04-01 00:00:00.000000', PA, 'vol-a1', 'data-1', 50),
    # beta: a floating IP 15 Jan -> 20 Feb; a router whose gateway is set
    # on 10 Jan 06:00 and cleared on 1 Mar 12:00.
    floatingip('create.end', '01-15 00:00:00.000000', PB, 'fip-b1',
               '203.0.113.7'),
    floatingip('update.end', '01-16 09:00:00.000000', PB, 'fip-b1',
               '203.0.113.7', 'port-1'),
    floatingip('delete.end', '02-20 00:00:00.000000', PB, 'fip-b1', None),
    router('create.end', '01-01 00:00:00.000000', PB, 'rtr-b1', 'edge',
           False),
    router('update.end', '01-10 06:00:00.000000', PB, 'rtr-b1', 'edge',
           True),
    router('update.end', '03-01 12:00:00.000000', PB, 'rtr-b1', 'edge',
           False),
    # gamma: db-1 (f.capped) since before billing began; a 100 GB
    # snapshot 20 Jan -> 5 Feb; a 2 GiB image 2 Jan 01:00 -> 10 Apr.
    instance('create.end', '2025-12-31 22:00:00.000000', PC, 'vm-c1',
             'db-1', 'f.capped'),
    snapshot('create.end', '01-20 00:00:00.000000', PC, 'snap-c1',
             'nightly', 100),
    snapshot('delete.end', '02-05 00:00:00.000000', PC, 'snap-c1',
             'nightly', 100),
    image('create', '01-02 00:00:00.000000', PC, 'img-c1', 'ubuntu',
          'queued', None),
    image('upload', '01-02 01:00:00.000000', PC, 'img-c1', 'ubuntu',
          'active', 2 * GIB),
    image('update', '02-01 00:00:00.000000', PC, 'img-c1', 'ubuntu-lts',
          'active', 2 * GIB),
    image('delete', '04-10 00:00:00.000000', PC, 'img-c1', 'ubuntu-lts',
          'deleted', 2 * GIB),
    # delta: registered by Keystone, one VM for a day, retired 28 Jan.
    project('created', '01-01 00:00:00.000000', PD),
    instance('create.end', '01-25 00:00:00.000000', PD, 'vm-d1', 'tmp',
             'f.small'),
    instance('delete.end', '01-26 00:00:00.000000', PD, 'vm-d1', 'tmp',
             'f.small', 'deleted'),
    project('deleted', '01-28 00:00:00.000000', PD),
]

# Heard of only after February was invoiced: alpha's batch VM, 3 -> 4 Feb.
LATE = [
    instance('create.end', '02-03 00:00:00.000000', PA, 'vm-a3', 'batch',
             'f.small'),
    instance('delete.end', '02-04 00:00:00.000000', PA, 'vm-a3', 'batch',
             'f.small', 'deleted'),
]


def ignored(envelope):
    """Events no handler bills from (*.start, resize.prep.*)."""
    return envelope['event_type'].endswith('.start') or \
        '.resize.prep.' in envelope['event_type']


def delivered(envelopes, seed=2026):
    """The stream as a bus delivers it: every third message twice, in
    shuffled order."""
    stream = list(envelopes) + list(envelopes[::3])
    random.Random(seed).shuffle(stream)
    return stream


def t(text):
    """'01-05 08:00[:30]' (2026, UTC) as the dashboard's datetime."""
    date, _space, time = text.partition(' ')
    time = time or '00:00'
    if time.count(':') == 1:
        time += ':00'
    return '2026-%sT%s.000000Z' % (date, time)


# Every invoice: (project, period) -> (state, subtotal, tax, total,
# [(array, resource id, start, end, charge, adjusted invoice)]), the
# adjusted invoice named by its (project, period) for an adjustment,
# else None. Tax 11 %, half-up.
INVOICES = {
    # vm-a1 5 Jan 08:00 -> 1 Feb = 640 h x 0.0125 = 8.00 (power off/on
    #   changes nothing);
    # vol-a1 10 Jan -> 1 Feb = 528 h x 20 GB x 0.0002 = 2.112 -> 2.11.
    # 10.11 + 1.1121 -> 1.11 = 11.22
    (PA, '01'): (2, '10.11', '1.11', '11.22', [
        ('instances', 'vm-a1', t('01-05 08:00'), t('02-01'), '8.00', None),
        ('volumes', 'vol-a1', t('01-10'), t('02-01'), '2.11', None)]),
    # vm-a1 f.small 1 Feb -> 10 Feb 12:00 = 228 h x 0.0125 = 2.85;
    #   f.large 10 Feb 12:00 -> 1 Mar = 444 h x 0.05 = 22.20;
    # vol-a1 20 GB 1 Feb -> 1 Feb 12:00 = 12 h x 20 x 0.0002 = 0.048
    #   -> 0.05; 50 GB 1 Feb 12:00 -> 1 Mar = 660 h x 50 x 0.0002 = 6.60.
    # 31.70 + 3.487 -> 3.49 = 35.19
    (PA, '02'): (2, '31.70', '3.49', '35.19', [
        ('instances', 'vm-a1', t('02-01'), t('02-10 12:00'), '2.85', None),
        ('instances', 'vm-a1', t('02-10 12:00'), t('03-01'), '22.20', None),
        ('volumes', 'vol-a1', t('02-01'), t('02-01 12:00'), '0.05', None),
        ('volumes', 'vol-a1', t('02-01 12:00'), t('03-01'), '6.60', None)]),
    # vm-a1 1 Mar -> 15 Mar 18:30:30 = 1276230 s x 0.05 / 3600
    #   = 17.7254166... -> 17.73;
    # vol-a1 1 Mar -> 31 Mar 12:00 = 732 h x 50 x 0.0002 = 7.32;
    # adjustment for February: vm-a3 3 -> 4 Feb = 24 h x 0.0125 = 0.30.
    # 25.35 + 2.7885 -> 2.79 = 28.14
    (PA, '03'): (2, '25.35', '2.79', '28.14', [
        ('instances', 'vm-a3', t('02-03'), t('02-04'), '0.30', (PA, '02')),
        ('instances', 'vm-a1', t('03-01'), t('03-15 18:30:30'), '17.73',
         None),
        ('volumes', 'vol-a1', t('03-01'), t('03-31 12:00'), '7.32', None)]),
    # Nothing runs in April: a zero invoice closes finished.
    (PA, '04'): (100, '0.00', '0.00', '0.00', []),
    # fip-b1 15 Jan -> 1 Feb = 408 h x 0.005 = 2.04;
    # rtr-b1 10 Jan 06:00 -> 1 Feb = 522 h x 0.01 = 5.22.
    # 7.26 + 0.7986 -> 0.80 = 8.06
    (PB, '01'): (2, '7.26', '0.80', '8.06', [
        ('floating_ips', 'fip-b1', t('01-15'), t('02-01'), '2.04', None),
        ('routers', 'rtr-b1', t('01-10 06:00'), t('02-01'), '5.22', None)]),
    # fip-b1 1 Feb -> 20 Feb = 456 h x 0.005 = 2.28;
    # rtr-b1 672 h x 0.01 = 6.72. 9.00 + 0.99 = 9.99
    (PB, '02'): (2, '9.00', '0.99', '9.99', [
        ('floating_ips', 'fip-b1', t('02-01'), t('02-20'), '2.28', None),
        ('routers', 'rtr-b1', t('02-01'), t('03-01'), '6.72', None)]),
    # rtr-b1 1 Mar -> 1 Mar 12:00 = 12 h x 0.01 = 0.12 + 0.0132 -> 0.01
    (PB, '03'): (2, '0.12', '0.01', '0.13', [
        ('routers', 'rtr-b1', t('03-01'), t('03-01 12:00'), '0.12', None)]),
    # The router still exists (without a gateway): a zero invoice.
    (PB, '04'): (100, '0.00', '0.00', '0.00', []),
    # vm-c1 744 h x 0.02 = 14.88 -> capped at 10.00;
    # img-c1 2 Jan 01:00 -> 1 Feb = 719 h x 2 GiB x 0.0001 = 0.1438
    #   -> 0.14;
    # snap-c1 20 Jan -> 1 Feb = 288 h x 100 GB x 0.00005 = 1.44.
    # 11.58 + 1.2738 -> 1.27 = 12.85
    (PC, '01'): (2, '11.58', '1.27', '12.85', [
        ('instances', 'vm-c1', t('01-01'), t('02-01'), '10.00', None),
        ('images', 'img-c1', t('01-02 01:00'), t('02-01'), '0.14', None),
        ('snapshots', 'snap-c1', t('01-20'), t('02-01'), '1.44', None)]),
    # vm-c1 672 h x 0.02 = 13.44 -> 10.00; img-c1 672 h x 2 x 0.0001
    # = 0.1344 -> 0.13; snap-c1 96 h x 100 x 0.00005 = 0.48.
    # 10.61 + 1.1671 -> 1.17 = 11.78
    (PC, '02'): (2, '10.61', '1.17', '11.78', [
        ('instances', 'vm-c1', t('02-01'), t('03-01'), '10.00', None),
        ('images', 'img-c1', t('02-01'), t('03-01'), '0.13', None),
        ('snapshots', 'snap-c1', t('02-01'), t('02-05'), '0.48', None)]),
    # vm-c1 14.88 -> 10.00; img-c1 744 h x 0.0002 = 0.1488 -> 0.15.
    # 10.15 + 1.1165 -> 1.12 = 11.27
    (PC, '03'): (2, '10.15', '1.12', '11.27', [
        ('instances', 'vm-c1', t('03-01'), t('04-01'), '10.00', None),
        ('images', 'img-c1', t('03-01'), t('04-01'), '0.15', None)]),
    # vm-c1 720 h x 0.02 = 14.40 -> 10.00; img-c1 1 Apr -> 10 Apr
    # = 216 h x 0.0002 = 0.0432 -> 0.04. 10.04 + 1.1044 -> 1.10 = 11.14
    (PC, '04'): (2, '10.04', '1.10', '11.14', [
        ('instances', 'vm-c1', t('04-01'), t('05-01'), '10.00', None),
        ('images', 'img-c1', t('04-01'), t('04-10'), '0.04', None)]),
    # vm-d1 25 -> 26 Jan = 24 h x 0.0125 = 0.30 + 0.033 -> 0.03 = 0.33;
    # retired on 28 Jan: no further invoice.
    (PD, '01'): (2, '0.30', '0.03', '0.33', [
        ('instances', 'vm-d1', t('01-25'), t('01-26'), '0.30', None)]),
}
