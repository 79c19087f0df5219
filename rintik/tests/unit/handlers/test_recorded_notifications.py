"""Every recorded notification of the fixture directory through the handlers.

``EXPECTED`` names every fixture file (a new file fails
``test_every_fixture_file_has_an_expectation`` until it is added) with,
for each notification in it, its event type and the facts the handlers
must state, or ``IGNORED`` when no handler bills the event. The values
are read from the payloads and written out literally.
"""

import decimal
import functools
import json
import os

import fixtures
import testscenarios

from rintik.handlers import manager
from rintik.metering import facts
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures

load_tests = testscenarios.load_tests_apply_scenarios

IGNORED = None
ONE = decimal.Decimal(1)
VERSIONED_DIR = 'versioned/'


def exact_gib(size_bytes):
    """``size_bytes / 2**30`` computed without rounding."""
    with decimal.localcontext(prec=100):
        return decimal.Decimal(size_bytes) / 2 ** 30


def instance(instance_id, project_id, name, price_key, billable=True):
    return [facts.Observation('instance', instance_id, project_id,
                              billable=billable, price_key=price_key,
                              quantity=ONE, name=name)]


def gone(resource_type, resource_id, project_id, name=None):
    return [facts.Observation(resource_type, resource_id, project_id,
                              gone=True, name=name)]


def volume(volume_id, project_id, name, volume_type, size):
    return [facts.Observation('volume', volume_id, project_id,
                              billable=True, price_key=volume_type,
                              quantity=decimal.Decimal(size), name=name)]


def neutron(resource_type, resource_id, project_id, name, billable=True):
    return [facts.Observation(resource_type, resource_id, project_id,
                              billable=billable, quantity=ONE, name=name)]


def image(image_id, project_id, name, quantity=None):
    return [facts.Observation('image', image_id, project_id,
                              billable=quantity is not None,
                              quantity=quantity, name=name)]


def project(project_id, retired=False):
    return [facts.ProjectEvent(project_id, retired=retired)]


# Resources that appear in several files.
VOL_1 = functools.partial(volume, 'f54b1d2f-4514-4688-8da7-4bc66767b6be',
                          '1816a16093df465dbc609cf638422a05')
FIP_2016 = functools.partial(neutron, 'floating_ip',
                             '1a124625-4c71-4d20-a65b-3cf34465dab2',
                             '5fe7c4e4e492490393c674089a178e19',
                             '172.25.0.20')
FIP_2012 = functools.partial(neutron, 'floating_ip',
                             'f38ff2b6-cd4d-433e-8a9c-9e00dfc05b1e',
                             'c97027dd880d4c129ae7a4ba7edade05',
                             '192.0.2.201')
ROUTER = functools.partial(neutron, 'router',
                           '0b143748-44d2-4545-9230-864c3abbc786',
                           '5fe7c4e4e492490393c674089a178e19')
KERNEL_IMAGE = functools.partial(image,
                                 '7ba7087c-b81e-4807-b0e3-dd851f334add',
                                 'e9869fa1d7584b91b3f88c25193116e7')
CIRROS_KERNEL_GIB = exact_gib(4979632)
# Nova documentation samples (versioned/) all describe one server.
SERVER = functools.partial(instance, '178b0921-8f85-4257-88b6-2e743b5a975c',
                           '6f70656e737461636b20342065766572', 'some-server')
SERVER_GONE = gone('instance', '178b0921-8f85-4257-88b6-2e743b5a975c',
                   '6f70656e737461636b20342065766572', 'some-server')
TEST_FLAVOR = 'a22d5517-147c-4147-a0d1-e698df5cd4e3'
# Sequences.
CREATING = functools.partial(instance, 'b7f4199c-abec-539a-a103-50cbfd2c27b4',
                             '949287', 'Instance_52804')
DELETING = functools.partial(instance, 'e7ad6b85-8868-5371-863c-186509cc9f61',
                             '133512', 'Instance_776203')
STOPPING = functools.partial(instance, '9e13afbf-a29a-525a-ae74-801fc2ebde5c',
                             '438260', 'Instance_808061')
CONFIRMING = functools.partial(instance,
                               '787025ad-75b8-528e-b6ab-e59f09981c7e',
                               '938766', 'Instance_462341')
RESIZING = functools.partial(instance, '2ec6c152-0238-50ea-ae3e-cce083c30992',
                             '898226', 'Instance_48207')
UPDATE = 'compute.instance.update'

EXPECTED = {
    # Cinder.
    'cinder__snapshot.create.end__1.json': [(
        'snapshot.create.end', [facts.Observation(
            'snapshot', '56f91625-2fc5-4e4a-8284-4bfd3b3a1914',
            '75c31cdaa3604b76b7e279de50aec9f0', billable=True,
            quantity=ONE, name='test snapshot')])],
    'cinder__snapshot.delete.end__1.json': [(
        'snapshot.delete.end',
        gone('snapshot', '56f91625-2fc5-4e4a-8284-4bfd3b3a1914',
             '75c31cdaa3604b76b7e279de50aec9f0', 'test snapshot'))],
    'cinder__volume.attach.end__1.json': [(
        'volume.attach.end',
        VOL_1(None, '3706aa72-cb65-4971-83e8-48e1477efd1d', 1))],
    'cinder__volume.create.end__1.json': [(
        'volume.create.end',
        VOL_1(None, '3706aa72-cb65-4971-83e8-48e1477efd1d', 1))],
    'cinder__volume.delete.end__1.json': [(
        'volume.delete.end',
        gone('volume', '342b0875-2c7a-48b7-a391-f4d6ea8987c0',
             '1816a16093df465dbc609cf638422a05', 'test-vol'))],
    'cinder__volume.detach.end__1.json': [(
        'volume.detach.end',
        VOL_1(None, '3706aa72-cb65-4971-83e8-48e1477efd1d', 1))],
    'cinder__volume.retype__1.json': [(
        'volume.retype',
        VOL_1('test-vol', 'a16c8514-616f-4d40-baf7-eb8c8fb18677', 1))],
    'cinder__volume.update.end__1.json': [(
        'volume.update.end',
        VOL_1('I have a name', '3706aa72-cb65-4971-83e8-48e1477efd1d', 1))],
    # Glance: queued (not billable), active (billable), deleted.
    'glance__image.create__1.json': [(
        'image.create', KERNEL_IMAGE('cirros-0.3.4-x86_64-uec-kernel'))],
    'glance__image.delete__1.json': [(
        'image.delete',
        gone('image', '7ba7087c-b81e-4807-b0e3-dd851f334add',
             'e9869fa1d7584b91b3f88c25193116e7',
             'cirros-0.3.4-x86_64-uec-kernel'))],
    'glance__image.update__1.json': [(
        'image.update', KERNEL_IMAGE('cirros-0.3.4-x86_64-uec-kernel-UPDATED',
                                     CIRROS_KERNEL_GIB))],
    # Keystone: resource_info, never target.id.
    'keystone__identity.project.created__1.json': [(
        'identity.project.created',
        project('148f2f86b96440a1ba0934f837b2c77b'))],
    'keystone__identity.project.created__2.json': [(
        'identity.project.created',
        project('671da331c47d4e29bb6ea1d270154ec3'))],
    'keystone__identity.project.deleted__1.json': [(
        'identity.project.deleted',
        project('148f2f86b96440a1ba0934f837b2c77b', retired=True))],
    'keystone__identity.project.deleted__2.json': [(
        'identity.project.deleted',
        project('b3b70c8271a845709f9a03030e705da7', retired=True))],
    'keystone__identity.project.updated__1.json': [(
        'identity.project.updated',
        project('de16994fb2124504b6b3d3623d1dba51'))],
    'keystone__identity.user.created__1.json': [
        ('identity.user.created', IGNORED)],
    # Neutron floating IPs: billable while allocated, associated or not.
    'neutron__floatingip.create.end__1.json': [(
        'floatingip.create.end', FIP_2016())],
    'neutron__floatingip.delete.end__1.json': [(
        'floatingip.delete.end',
        gone('floating_ip', '1a124625-4c71-4d20-a65b-3cf34465dab2', None))],
    'neutron__floatingip.delete.start__1.json': [
        ('floatingip.delete.start', IGNORED)],
    'neutron__floatingip.update.end__1.json': [(
        'floatingip.update.end', FIP_2012())],
    'neutron__floatingip.update.end__2.json': [(
        'floatingip.update.end', FIP_2012())],
    'neutron__floatingip.update.end__3.json': [(
        'floatingip.update.end', FIP_2016())],
    'neutron__floatingip.update.end__4.json': [(
        'floatingip.update.end', FIP_2016())],
    'neutron__network.create.end__1.json': [('network.create.end', IGNORED)],
    'neutron__network.create.end__2.json': [('network.create.end', IGNORED)],
    'neutron__network.create.end__3.json': [('network.create.end', IGNORED)],
    'neutron__network.delete.end__1.json': [('network.delete.end', IGNORED)],
    'neutron__network.delete.end__2.json': [('network.delete.end', IGNORED)],
    'neutron__network.update.end__1.json': [('network.update.end', IGNORED)],
    'neutron__network.update.end__2.json': [('network.update.end', IGNORED)],
    'neutron__port.create.end__1.json': [('port.create.end', IGNORED)],
    'neutron__port.create.end__2.json': [('port.create.end', IGNORED)],
    'neutron__port.create.end__3.json': [('port.create.end', IGNORED)],
    'neutron__port.create.end__4.json': [('port.create.end', IGNORED)],
    'neutron__port.create.start__1.json': [('port.create.start', IGNORED)],
    'neutron__port.delete.end__1.json': [('port.delete.end', IGNORED)],
    'neutron__port.delete.end__2.json': [('port.delete.end', IGNORED)],
    'neutron__port.update.end__1.json': [('port.update.end', IGNORED)],
    'neutron__port.update.end__2.json': [('port.update.end', IGNORED)],
    # Neutron routers: billable only with an external gateway.
    'neutron__router.create.end__1.json': [(
        'router.create.end', ROUTER('test-router', billable=False))],
    'neutron__router.delete.end__1.json': [(
        'router.delete.end',
        gone('router', '0b143748-44d2-4545-9230-864c3abbc786', None))],
    'neutron__router.interface.create__1.json': [
        ('router.interface.create', IGNORED)],
    'neutron__router.interface.delete__1.json': [
        ('router.interface.delete', IGNORED)],
    'neutron__router.update.end__1.json': [(
        'router.update.end', ROUTER('renamed router', billable=False))],
    'neutron__router.update.end__2.json': [(
        'router.update.end', ROUTER('renamed router'))],
    # Nova, unversioned: price key instance_flavor_id, else instance_type
    # (never instance_type_id, which differs in several of these files).
    'nova__compute.instance.create.end__1.json': [(
        'compute.instance.create.end',
        instance('3e301a55-fbbe-478d-92d0-eefabf135c38',
                 '33a88272e06a49c1a0f653abc374b56b', 'TestInstance',
                 'm1.tiny'))],
    'nova__compute.instance.create.end__2.json': [(
        'compute.instance.create.end',
        instance('c71977ac-d2e3-479f-8549-3c56a2bfa24a',
                 '33a88272e06a49c1a0f653abc374b56b', 'TestInstance',
                 'm1.tiny'))],
    'nova__compute.instance.create.end__3.json': [(
        'compute.instance.create.end',
        instance('9f9d01b9-4a58-4271-9e27-398b21ab20d1',
                 '7c150a59fe714e6f9263774af9688f0e', 'testme', 'm1.tiny'))],
    'nova__compute.instance.create.end__4.json': [(
        'compute.instance.create.end',
        instance('c03c0bf9-f46e-4e4f-93f1-817568567ee2',
                 '57ab04ad6d3b495789a58258bc00842b', 'INSTANCE_0', '1'))],
    # The notigen template says state "building" even at create.end.
    'nova__compute.instance.create.end__5.json': [(
        'compute.instance.create.end', CREATING('2', billable=False))],
    'nova__compute.instance.create.start__1.json': [
        ('compute.instance.create.start', IGNORED)],
    'nova__compute.instance.create.start__2.json': [
        ('compute.instance.create.start', IGNORED)],
    'nova__compute.instance.delete.end__1.json': [(
        'compute.instance.delete.end',
        gone('instance', 'ab327a92-25c5-4c1d-b0be-8ee55632defc',
             'b1fbc598025841899f63333269abe1d2', 'test3'))],
    'nova__compute.instance.delete.end__2.json': [(
        'compute.instance.delete.end',
        gone('instance', '73b09e16-35b7-4922-804e-e8f5d9b740fc',
             '15995ea2694e4268b3631db32e38678b', 'some-server'))],
    'nova__compute.instance.delete.end__3.json': [(
        'compute.instance.delete.end',
        gone('instance', 'e7ad6b85-8868-5371-863c-186509cc9f61', '133512',
             'Instance_776203'))],
    'nova__compute.instance.delete.start__1.json': [
        ('compute.instance.delete.start', IGNORED)],
    'nova__compute.instance.delete.start__2.json': [
        ('compute.instance.delete.start', IGNORED)],
    'nova__compute.instance.delete.start__3.json': [
        ('compute.instance.delete.start', IGNORED)],
    'nova__compute.instance.exists__1.json': [(
        'compute.instance.exists',
        instance('3a513875-95c9-4012-a3e7-f90c678854e5',
                 '7c150a59fe714e6f9263774af9688f0e', 'testme', 'm1.tiny'))],
    'nova__compute.instance.exists__2.json': [(
        'compute.instance.exists',
        instance('3a513875-95c9-4012-a3e7-f90c678854e5',
                 '7c150a59fe714e6f9263774af9688f0e', 'testme', 'm1.tiny'))],
    'nova__compute.instance.exists__3.json': [(
        'compute.instance.exists',
        instance('9ca232cc-d2a3-58ff-8386-1223e540d461', '774210',
                 'Instance_178622', '3'))],
    'nova__compute.instance.exists__4.json': [(
        'compute.instance.exists',
        instance('e4b8903e-f28b-5f93-88a5-e3d114beaa44', '839861',
                 'Instance_402914', '7'))],
    'nova__compute.instance.finish_resize.end__1.json': [(
        'compute.instance.finish_resize.end',
        instance('648e8963-6886-4c3c-98f9-4511c292f86b',
                 'cea4b25edb484e5392727181b7721d29', 's1', 'm1.small'))],
    'nova__compute.instance.finish_resize.end__2.json': [(
        'compute.instance.finish_resize.end', RESIZING('7'))],
    'nova__compute.instance.power_off.end__1.json': [(
        'compute.instance.power_off.end', STOPPING('5'))],
    'nova__compute.instance.power_off.start__1.json': [
        ('compute.instance.power_off.start', IGNORED)],
    'nova__compute.instance.rebuild.end__1.json': [(
        'compute.instance.rebuild.end',
        instance('73b09e16-35b7-4922-804e-e8f5d9b740fc',
                 'b18faa9487864b20b61386438b7ae2ce', 'INSTANCE_0', '2'))],
    'nova__compute.instance.rebuild.end__2.json': [(
        'compute.instance.rebuild.end',
        instance('9ca232cc-d2a3-58ff-8386-1223e540d461', '774210',
                 'Instance_178622', '3'))],
    'nova__compute.instance.resize.confirm.end__1.json': [(
        'compute.instance.resize.confirm.end',
        instance('73b09e16-35b7-4922-804e-e8f5d9b740fc',
                 'b18faa9487864b20b61386438b7ae2ce', 'INSTANCE_0',
                 '5a0665e0-d2ec-4e4b-85f9-cc0ce4ab052b'))],
    'nova__compute.instance.resize.confirm.end__2.json': [(
        'compute.instance.resize.confirm.end',
        instance('96f46423-6f4c-515d-b661-f9cf6adf5c0a', '934245',
                 'Instance_538442', '7'))],
    'nova__compute.instance.resize.prep.end__1.json': [
        ('compute.instance.resize.prep.end', IGNORED)],
    'nova__compute.instance.resize.revert.end__1.json': [(
        'compute.instance.resize.revert.end',
        instance('648e8963-6886-4c3c-98f9-4511c292f86b',
                 'cea4b25edb484e5392727181b7721d29', 's1', 'm1.tiny'))],
    'nova__compute.instance.shutdown.end__1.json': [(
        'compute.instance.shutdown.end',
        instance('3e301a55-fbbe-478d-92d0-eefabf135c38',
                 '33a88272e06a49c1a0f653abc374b56b', 'TestInstance',
                 'm1.tiny'))],
    'nova__compute.instance.shutdown.end__2.json': [(
        'compute.instance.shutdown.end', DELETING('2'))],
    'nova__compute.instance.shutdown.start__1.json': [
        ('compute.instance.shutdown.start', IGNORED)],
    'nova__compute.instance.update__1.json': [(
        UPDATE, instance('73b09e16-35b7-4922-804e-e8f5d9b740fc',
                         'a4b4772d93c74d5e8b7c68cdd2a014e1', 'NEW_INSTANCE0',
                         '1'))],
    'nova__compute.instance.update__2.json': [(UPDATE, STOPPING('5'))],
    # Shapes that break naive parsers: no handler bills them.
    'edge_cases/neutron__floatingip.update.start__1.json': [
        ('floatingip.update.start', IGNORED)],
    'edge_cases/neutron__network.create.end__1.json': [
        ('network.create.end', IGNORED)],
    'edge_cases/neutron__port.create.end__1.json': [
        ('port.create.end', IGNORED)],
    # Hand-written upstream fixtures (tier C).
    'upstream_fixtures/cinder__volume.resize.end__1.json': [(
        'volume.resize.end',
        volume('cccccccc-cccc-cccc-cccccccccccc',
               '7ffe17a15c724e2aa79fc839540aec15', '2',
               '3a9a398b-7e3b-40da-b09e-2115ad8cd68b', 1))],
    'upstream_fixtures/cinder__volume.resize.end__2.json': [(
        'volume.resize.end',
        volume('5028b1eb-8749-48ae-a42c-5bdd1323976f',
               '91FFFE30-78A0-4152-ACD2-8310FF274DC9', 'name_0', 'type_0',
               20))],
    'upstream_fixtures/glance__image.upload__1.json': [(
        'image.upload',
        image('cccccccc-cccc-cccc-cccccccccccc', 'fake', 'fake image #3'))],
    # Nova, versioned (price key flavor.flavorid).
    'versioned/nova__flavor.create__1.json': [('flavor.create', IGNORED)],
    'versioned/nova__flavor.delete__1.json': [('flavor.delete', IGNORED)],
    'versioned/nova__flavor.update__1.json': [('flavor.update', IGNORED)],
    'versioned/nova__instance.create.end__1.json': [
        ('instance.create.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.create.start__1.json': [
        ('instance.create.start', IGNORED)],
    'versioned/nova__instance.delete.end__1.json': [
        ('instance.delete.end', SERVER_GONE)],
    'versioned/nova__instance.delete.end__2.json': [
        ('instance.delete.end', SERVER_GONE)],
    'versioned/nova__instance.delete.end__3.json': [
        ('instance.delete.end', SERVER_GONE)],
    'versioned/nova__instance.delete.start__1.json': [
        ('instance.delete.start', IGNORED)],
    'versioned/nova__instance.exists__1.json': [
        ('instance.exists', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.pause.end__1.json': [
        ('instance.pause.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.power_off.end__1.json': [
        ('instance.power_off.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.power_on.end__1.json': [
        ('instance.power_on.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.rebuild.end__1.json': [
        ('instance.rebuild.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.resize.end__1.json': [
        ('instance.resize.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.resize_confirm.end__1.json': [
        ('instance.resize_confirm.end', SERVER('2'))],
    'versioned/nova__instance.resize_finish.end__1.json': [
        ('instance.resize_finish.end',
         SERVER('d5a8bb54-365a-45ae-abdb-38d249df7845'))],
    'versioned/nova__instance.resize_prep.end__1.json': [
        ('instance.resize_prep.end', IGNORED)],
    'versioned/nova__instance.resize_revert.end__1.json': [
        ('instance.resize_revert.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.restore.end__1.json': [
        ('instance.restore.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.resume.end__1.json': [
        ('instance.resume.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.shelve.end__1.json': [
        ('instance.shelve.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.shelve_offload.end__1.json': [
        ('instance.shelve_offload.end', SERVER(TEST_FLAVOR, billable=False))],
    'versioned/nova__instance.shutdown.end__1.json': [
        ('instance.shutdown.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.soft_delete.end__1.json': [
        ('instance.soft_delete.end', SERVER(TEST_FLAVOR, billable=False))],
    'versioned/nova__instance.suspend.end__1.json': [
        ('instance.suspend.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.unpause.end__1.json': [
        ('instance.unpause.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.unshelve.end__1.json': [
        ('instance.unshelve.end', SERVER(TEST_FLAVOR))],
    'versioned/nova__instance.update__1.json': [
        ('instance.update', SERVER(TEST_FLAVOR))],
    # Raw AMQP bodies (decoded); their top-level twins are checked too.
    'wire/keystone__identity.project.created__1.json': [(
        'identity.project.created',
        project('148f2f86b96440a1ba0934f837b2c77b'))],
    'wire/keystone__identity.project.deleted__1.json': [(
        'identity.project.deleted',
        project('148f2f86b96440a1ba0934f837b2c77b', retired=True))],
    'wire/keystone__identity.project.updated__1.json': [(
        'identity.project.updated',
        project('de16994fb2124504b6b3d3623d1dba51'))],
    'wire/neutron__network.create.end__1.json': [
        ('network.create.end', IGNORED)],
    'wire/neutron__network.delete.end__1.json': [
        ('network.delete.end', IGNORED)],
    'wire/neutron__network.update.end__1.json': [
        ('network.update.end', IGNORED)],
    # Whole operations, in emission order.
    'sequences/nova__create_sequence__1.json': [
        (UPDATE, CREATING('2', billable=False)),
        (UPDATE, CREATING('2', billable=False)),
        ('compute.instance.create.start', IGNORED),
    ] + [(UPDATE, CREATING('2', billable=False))] * 16 + [
        ('compute.instance.create.end', CREATING('2', billable=False)),
    ],
    'sequences/nova__delete_sequence__1.json': [
        (UPDATE, DELETING('2')),
        (UPDATE, DELETING('2')),
        (UPDATE, DELETING('2')),
        ('compute.instance.delete.start', IGNORED),
        ('compute.instance.shutdown.start', IGNORED),
        ('compute.instance.shutdown.end', DELETING('2')),
        (UPDATE, DELETING('2', billable=False)),
        ('compute.instance.delete.end',
         gone('instance', 'e7ad6b85-8868-5371-863c-186509cc9f61', '133512',
              'Instance_776203')),
    ],
    'sequences/nova__power_off_sequence__1.json': [
        (UPDATE, STOPPING('5')),
        ('compute.instance.power_off.start', IGNORED),
        (UPDATE, STOPPING('5')),
        ('compute.instance.power_off.end', STOPPING('5')),
    ],
    'sequences/nova__resize_confirm_sequence__1.json': [
        (UPDATE, CONFIRMING('2')),
        (UPDATE, CONFIRMING('2')),
        (UPDATE, CONFIRMING('2')),
        ('compute.instance.resize.confirm.start', IGNORED),
        (UPDATE, CONFIRMING('2')),
        (UPDATE, CONFIRMING('2')),
        ('compute.instance.resize.confirm.end', CONFIRMING('2')),
        ('compute.instance.delete.start', IGNORED),
        ('compute.instance.shutdown.start', IGNORED),
        ('compute.instance.shutdown.end', CONFIRMING('2')),
        (UPDATE, CONFIRMING('2', billable=False)),
        ('compute.instance.delete.end',
         gone('instance', '787025ad-75b8-528e-b6ab-e59f09981c7e', '938766',
              'Instance_462341')),
    ],
    'sequences/nova__resize_sequence__1.json': [
        (UPDATE, RESIZING('6')),
        (UPDATE, RESIZING('6')),
        (UPDATE, RESIZING('6')),
        ('compute.instance.exists', RESIZING('6')),
        ('compute.instance.exists.verified', IGNORED),
        (UPDATE, RESIZING('6')),
        ('compute.instance.resize.prep.start', IGNORED),
        (UPDATE, RESIZING('6')),
        ('compute.instance.resize.prep.end', IGNORED),
        (UPDATE, RESIZING('6')),
        ('compute.instance.resize.start', IGNORED),
    ] + [(UPDATE, RESIZING('6'))] * 6 + [
        ('compute.instance.resize.end', RESIZING('6')),
        (UPDATE, RESIZING('7')),
        (UPDATE, RESIZING('7')),
        ('compute.instance.finish_resize.start', IGNORED),
        (UPDATE, RESIZING('7')),
        (UPDATE, RESIZING('7')),
        ('compute.instance.finish_resize.end', RESIZING('7')),
    ],
}


def fixture_files():
    """Every notification file of the fixture directory, relative."""
    top = rintik_fixtures.notification_fixtures_dir()
    found = set()
    for directory, _subdirs, names in os.walk(top):
        for name in names:
            if name == 'manifest.json' or name.endswith('.md'):
                continue
            found.add(os.path.relpath(os.path.join(directory, name), top))
    return found


def decode_wire(body):
    """The listener-ready envelope of a raw AMQP body, unpacked the way
    oslo.messaging does: ``_context_*`` keys become ``ctxt``."""
    message = json.loads(body['oslo.message'])
    envelope = {key: value for key, value in message.items()
                if not key.startswith('_')}
    envelope['ctxt'] = {key[len('_context_'):]: value
                        for key, value in message.items()
                        if key.startswith('_context_')}
    return envelope


def load_envelopes(path):
    """The notifications of one fixture file, as a list of envelopes."""
    document = rintik_fixtures.load_notification(path)
    if path.startswith('wire/'):
        return [decode_wire(document)]
    return document if isinstance(document, list) else [document]


def nova_format(path):
    return 'versioned' if path.startswith(VERSIONED_DIR) else 'unversioned'


def is_nova(path):
    return os.path.basename(path).startswith('nova__')


class TestFixtureDirectory(base.TestCase):
    """The table above covers the fixture directory exactly."""

    def test_every_fixture_file_has_an_expectation(self):
        found = fixture_files()
        self.assertEqual([], sorted(found - set(EXPECTED)),
                         'fixture files without an expectation')
        self.assertEqual([], sorted(set(EXPECTED) - found),
                         'expectations without a fixture file')

    def test_wire_bodies_decode_to_their_top_level_twins(self):
        wire = sorted(path for path in EXPECTED if path.startswith('wire/'))
        self.assertEqual(6, len(wire))
        for path in wire:
            decoded = load_envelopes(path)[0]
            twin = rintik_fixtures.load_notification(path[len('wire/'):])
            self.assertEqual(twin.get('ctxt', {}), decoded.pop('ctxt'))
            twin.pop('ctxt', None)
            self.assertEqual(twin, decoded, path)

    def test_location_comes_from_the_environment(self):
        top = rintik_fixtures.notification_fixtures_dir()
        self.useFixture(fixtures.EnvironmentVariable(
            rintik_fixtures.FIXTURES_ENV, top))
        self.assertEqual(top, rintik_fixtures.notification_fixtures_dir())
        missing = self.useFixture(fixtures.TempDir()).join('absent')
        self.useFixture(fixtures.EnvironmentVariable(
            rintik_fixtures.FIXTURES_ENV, missing))
        self.assertRaises(AssertionError,
                          rintik_fixtures.notification_fixtures_dir)


class TestRecordedNotification(base.TestCase):
    """One fixture file through the handlers, in its Nova format; Nova
    files are ignored in the other format, other files are not affected
    by it."""

    scenarios = [(path, {'path': path}) for path in sorted(EXPECTED)]

    def facts(self, fmt, event_type, payload):
        self.config(nova_format=fmt, group='notification')
        handler = manager.HandlerSet(self.conf).handler_for(event_type)
        if handler is None:
            return IGNORED
        return handler.facts(event_type, payload)

    def test_facts(self):
        envelopes = load_envelopes(self.path)
        expected = EXPECTED[self.path]
        self.assertEqual([event_type for event_type, _facts in expected],
                         [envelope['event_type'] for envelope in envelopes])
        own = nova_format(self.path)
        other = 'unversioned' if own == 'versioned' else 'versioned'
        for index, envelope in enumerate(envelopes):
            event_type, payload = envelope['event_type'], envelope['payload']
            where = '%s[%d] %s' % (self.path, index, event_type)
            got = self.facts(own, event_type, payload)
            self.assertEqual(expected[index][1], got, where)
            for fact in got or []:
                if getattr(fact, 'quantity', None) is not None:
                    self.assertIsInstance(fact.quantity, decimal.Decimal)
            in_other = self.facts(other, event_type, payload)
            self.assertEqual(IGNORED if is_nova(self.path) else got,
                             in_other, where + ' in ' + other)


class TestExactImageSize(base.TestCase):

    def test_gib_is_exact(self):
        envelope = load_envelopes('glance__image.update__1.json')[0]
        handler = manager.HandlerSet(self.conf).handler_for('image.update')
        quantity = handler.facts('image.update',
                                 envelope['payload'])[0].quantity
        self.assertEqual(4979632, envelope['payload']['size'])
        self.assertEqual(decimal.Decimal('0.00463764369487762451171875'),
                         quantity)
        self.assertEqual(CIRROS_KERNEL_GIB, quantity)
        self.assertEqual(4979632, quantity * 2 ** 30)
