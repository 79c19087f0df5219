"""Reconciliation a page at a time: the page chain of a listing (next
links, markers, incomplete chains), compact ids, the chunked read of
running resources, and the comparison across page and chunk
boundaries."""

import fixtures

from rintik.db import reconcile as db_reconcile
from rintik.reconcile import listing
from rintik.reconcile import repair
from rintik.tests import base
from rintik.tests import fake_openstack
from rintik.tests.unit.reconcile import test_reconcile

at, D, NOW = test_reconcile.at, test_reconcile.D, test_reconcile.NOW
IMAGES = '/image/v2/images'
GIB = 2 ** 30
UUIDS = ['%08d-0000-4000-8000-000000000000' % number
         for number in range(10)]


class _Response:
    status_code = 200
    headers = {}

    def __init__(self, document):
        self.document = document

    def json(self):
        return self.document


class _Proxy:
    """Answers each get with the next of ``documents`` and records the
    (path, params) asked for."""

    def __init__(self, *documents):
        self.documents = list(documents)
        self.calls = []

    def get(self, path, params):
        self.calls.append((path, params))
        return _Response(self.documents.pop(0))


def _items(*ids):
    return [{'id': resource_id} for resource_id in ids]


class PagesTest(base.TestCase):

    def pages(self, proxy, page_size=2):
        return [[item['id'] for item in page] for page in listing.pages(
            proxy, '/servers/detail', 'servers', {'all_tenants': 1},
            page_size=page_size)]

    def test_next_links_are_followed_with_their_query(self):
        proxy = _Proxy(
            {'servers': _items('a', 'b'), 'servers_links': [
                {'rel': 'next', 'href': 'http://nova.internal:8774/v2.1/'
                 'servers/detail?all_tenants=1&limit=2&marker=b'}]},
            {'servers': _items('c', 'd'), 'servers_links': [
                {'rel': 'bookmark', 'href': 'http://elsewhere/'},
                {'rel': 'next', 'href': '/v2.1/servers/detail?marker=d'}]},
            {'servers': _items('e')})
        self.assertEqual([['a', 'b'], ['c', 'd'], ['e']], self.pages(proxy))
        self.assertEqual(
            [('/servers/detail', {'all_tenants': 1, 'limit': 2}),
             ('/servers/detail', {'all_tenants': '1', 'limit': '2',
                                  'marker': 'b'}),
             ('/servers/detail', {'all_tenants': '1', 'limit': '2',
                                  'marker': 'd'})], proxy.calls)

    def test_glance_next_link(self):
        proxy = _Proxy({'images': _items('a'), 'next':
                        '/v2/images?limit=1&marker=a'},
                       {'images': []})
        self.assertEqual([['a']], [[item['id'] for item in page]
                                   for page in listing.pages(
            proxy, '/images', 'images', page_size=1)])
        self.assertEqual([('/images', {'limit': 1}),
                          ('/images', {'limit': '1', 'marker': 'a'})],
                         proxy.calls)

    def test_a_full_page_without_link_asks_for_the_next(self):
        proxy = _Proxy({'servers': _items('a', 'b')},
                       {'servers': _items('c')})
        self.assertEqual([['a', 'b'], ['c']], self.pages(proxy))
        self.assertEqual({'all_tenants': 1, 'limit': 2, 'marker': 'b'},
                         proxy.calls[1][1])

    def test_a_short_page_without_link_is_the_last(self):
        proxy = _Proxy({'servers': _items('a')})
        self.assertEqual([['a']], self.pages(proxy))
        self.assertEqual(1, len(proxy.calls))

    def test_a_link_repeating_the_marker_is_incomplete(self):
        link = {'servers_links': [{'rel': 'next', 'href': '?marker=b'}]}
        proxy = _Proxy(dict(link, servers=_items('a', 'b')),
                       dict(link, servers=[]))
        error = self.assertRaises(listing.IncompleteListing, self.pages,
                                  proxy)
        self.assertEqual('/servers/detail paging made no progress at b',
                         str(error))

    def test_a_page_listed_twice_is_incomplete(self):
        # A service that ignores the marker answers the first page again.
        proxy = _Proxy({'servers': _items('a', 'b')},
                       {'servers': _items('a', 'b')})
        error = self.assertRaises(listing.IncompleteListing, self.pages,
                                  proxy)
        self.assertEqual('/servers/detail paging made no progress at b',
                         str(error))

    def test_a_next_link_without_marker_is_incomplete(self):
        proxy = _Proxy({'servers': _items('a'), 'servers_links': [
            {'rel': 'next', 'href': '/servers/detail?page=2'}]})
        self.assertRaises(listing.IncompleteListing, self.pages, proxy)

    def test_an_answer_without_the_collection_is_incomplete(self):
        proxy = _Proxy({'error': 'nothing'})
        error = self.assertRaises(listing.IncompleteListing, self.pages,
                                  proxy)
        self.assertEqual('/servers/detail answered without a servers list',
                         str(error))


class CompactIdTest(base.TestCase):

    def test_a_canonical_uuid_is_kept_as_its_16_bytes(self):
        self.assertEqual(bytes.fromhex('00000003000040008000000000000000'),
                         repair.compact_id(UUIDS[3]))

    def test_other_ids_are_kept_as_they_are(self):
        self.assertEqual('s1', repair.compact_id('s1'))
        # Parsed as the same UUID but other ids: never confused with it.
        uuid = 'abcdef01-0000-4000-8000-000000000000'
        self.assertEqual(16, len(repair.compact_id(uuid)))
        for other in (uuid.upper(), uuid.replace('-', ''),
                      '{%s}' % uuid):
            self.assertEqual(other, repair.compact_id(other))


class StreamingTest(test_reconcile.ReconcileTestCase):
    """Pages of two and running resources read two at a time."""

    def setUp(self):
        super().setUp()
        self.cloud.page_size = 2
        self.useFixture(fixtures.MonkeyPatch(
            'rintik.db.reconcile.RUNNING_CHUNK', 2))

    def test_running_resources_are_read_in_chunks_in_id_order(self):
        for number in (4, 1, 3, 0, 2, 5):
            self.observe(at(2, 1), UUIDS[number])
        self.observe(at(2, 1), 'v1', resource_type='volume', price_key='t1',
                     quantity=5)
        self.observe(at(2, 2), UUIDS[3], gone=True)
        self.assertEqual(
            [[UUIDS[0], UUIDS[1]], [UUIDS[2], UUIDS[4]], [UUIDS[5]]],
            [[item.resource_id for item in chunk]
             for chunk in db_reconcile.running(self.context, 'instance')])
        self.assertEqual(
            {UUIDS[1]: db_reconcile.Billed(
                'instance', UUIDS[1], 'p1', False, True, 'm1', D(1),
                at(2, 1)),
             UUIDS[3]: db_reconcile.Billed(
                'instance', UUIDS[3], 'p1', True, False, None, None,
                at(2, 2))},
            db_reconcile.billed(self.context, 'instance',
                                [UUIDS[1], UUIDS[3], UUIDS[9]]))

    def test_create_delete_and_resize_across_pages_and_chunks(self):
        # Billed: 0..6 running (m1); listed: 0..6 but 2 (deleted) and 5
        # (resized to m2), plus 8 (never seen), across four pages.
        for number in range(7):
            self.observe(at(2, 1), UUIDS[number])
        self.observe(at(2, 5), UUIDS[2], message_id='audit')
        for number in (0, 1, 3, 4, 6):
            self.server(UUIDS[number])
        self.server(UUIDS[5], flavor='m2')
        self.server(UUIDS[8], launched='2026-02-03T00:00:00Z')
        report = self.reconcile()
        self.assertEqual(
            [('repaired', 'end', 'instance', UUIDS[2], 'p1', at(2, 5)),
             ('repaired', 'change', 'instance', UUIDS[5], 'p1', NOW),
             ('repaired', 'start', 'instance', UUIDS[8], 'p1', at(2, 3))],
            self.differences(report))
        self.assertEqual([(difference.billed, difference.found)
                          for difference in report.differences],
                         [('p1/m1/1', 'not found'), ('p1/m1/1', 'p1/m2/1'),
                          ('not billed', 'p1/m1/1')])
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), at(2, 5))],
                         self.intervals(UUIDS[2]))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), NOW),
                          ('p1', 'm2', D(1), NOW, None)],
                         self.intervals(UUIDS[5]))
        self.assertEqual([('p1', 'm1', D(1), at(2, 3), None)],
                         self.intervals(UUIDS[8]))
        self.assertEqual([None, UUIDS[1], UUIDS[4], UUIDS[5]],
                         [query.get('marker') for _method, path, query, _body
                          in self.cloud.requests
                          if path == test_reconcile.SERVERS])
        self.assertEqual([], repair.run(self.context, self.conf,
                                        NOW + (NOW - at(3, 9))).differences)

    def test_every_listing_asks_for_all_projects_and_large_pages(self):
        self.reconcile()
        self.assertEqual(
            {'/compute/v2.1/servers/detail': {'all_tenants': '1',
                                              'limit': '1000'},
             '/volume/v3/volumes/detail': {'all_tenants': '1',
                                           'limit': '1000'},
             '/volume/v3/snapshots/detail': {'all_tenants': '1',
                                             'limit': '1000'},
             '/network/v2.0/floatingips': {'limit': '1000'},
             '/network/v2.0/routers': {'limit': '1000'},
             IMAGES: {'limit': '1000'}},
            {path: query for _method, path, query, _body
             in self.cloud.requests})

    def test_glance_pages_by_next_link(self):
        for number in range(5):
            self.cloud.add('images', UUIDS[number], 'p1', status='active',
                           size=GIB, created_at='2026-02-02T00:00:00Z')
        report = self.reconcile()
        self.assertEqual([('repaired', 'start', 'image', UUIDS[number],
                           'p1', at(2, 2)) for number in range(5)],
                         self.differences(report))
        self.assertEqual([None, UUIDS[1], UUIDS[3]],
                         [query.get('marker') for _method, path, query, _body
                          in self.cloud.requests if path == IMAGES])

    def test_an_incomplete_chain_ends_nothing_of_its_service(self):
        # Three routers at two a page, the second page fails: the router
        # billed and never listed is not ended, nor is the network
        # service's floating IP; the other services are repaired.
        self.observe(at(2, 1), 'r9', resource_type='router', price_key=None)
        self.observe(at(2, 1), 'f9', resource_type='floating_ip',
                     price_key=None)
        self.observe(at(2, 1), 's9')
        for number in range(3):
            self.cloud.add('routers', UUIDS[number], 'p1',
                           external_gateway_info={'network_id': 'ext'},
                           created_at='2026-02-02T00:00:00Z')
        self.cloud.broken_paging.add('/network/v2.0/routers')
        report = self.reconcile()
        self.assertEqual([('repaired', 'end', 'instance', 's9', 'p1',
                           at(2, 1))], self.differences(report))
        self.assertEqual(1, len(report.warnings))
        self.assertTrue(report.warnings[0].startswith(
            'network skipped: listing failed (HttpException: '))
        self.assertEqual([('p1', None, D(1), at(2, 1), None)],
                         self.intervals('r9'))
        self.assertEqual([('p1', None, D(1), at(2, 1), None)],
                         self.intervals('f9'))
        self.assertEqual([], self.intervals(UUIDS[0]))

    def test_the_max_end_guard_counts_across_chunks(self):
        self.config(group='reconcile', max_end_fraction=0.5)
        for number in range(5):
            self.observe(at(2, 1), UUIDS[number], project='a')
        self.server(UUIDS[0], project='a')
        self.server(UUIDS[1], project='a')
        report = self.reconcile()
        self.assertEqual(['project a not repaired: 3 of its 5 running '
                          'resources would end, more than [reconcile] '
                          'max_end_fraction (0.5).'], report.warnings)
        self.assertEqual(
            [('blocked', 'end', 'instance', UUIDS[number], 'a', at(2, 1))
             for number in (2, 3, 4)], self.differences(report))

    def test_only_own_project_listed_across_pages_is_refused(self):
        self.observe(at(2, 1), UUIDS[0])
        for number in range(1, 4):
            self.server(UUIDS[number], project=fake_openstack.ADMIN_PROJECT)
        self.cloud.own_project_only.add('servers')
        error = self.assertRaises(repair.Refused, self.reconcile)
        self.assertIn('The instance listing holds only project '
                      'admin-project while 1 other projects', str(error))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals(UUIDS[0]))
