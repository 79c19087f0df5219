"""A fake OpenStack cloud over HTTP, for tests: Keystone v3 tokens and
catalog, and the Nova, Cinder, Neutron and Glance calls openstacksdk makes
to list a project's resources and to stop, suspend, shelve, restore or
delete them. Every call except version discovery and tokens is recorded,
so a test can assert the exact requests. Listings page (``page_size``)
with next links and markers as the real services do."""

import http.server
import itertools
import json
import threading
import urllib.parse

import fixtures

ADMIN_PROJECT = 'admin-project'
# Catalog path of each service; the collections each serves.
SERVICES = {
    'compute': ('/compute', 'v2.1', '2.1', '2.90'),
    'block-storage': ('/volume', 'v3', '3.0', '3.70'),
    'network': ('/network', 'v2.0', None, None),
    'image': ('/image', 'v2', None, None),
}
COLLECTIONS = {
    ('compute', 'servers'): 'servers',
    ('compute', 'flavors'): 'flavors',
    ('block-storage', 'volumes'): 'volumes',
    ('block-storage', 'snapshots'): 'snapshots',
    ('block-storage', 'types'): 'types',
    ('network', 'floatingips'): 'floatingips',
    ('network', 'routers'): 'routers',
    ('network', 'ports'): 'ports',
    ('image', 'images'): 'images',
}
# Server actions and the status they leave a server in.
SERVER_ACTIONS = {'os-stop': 'SHUTOFF', 'os-start': 'ACTIVE',
                  'suspend': 'SUSPENDED', 'resume': 'ACTIVE',
                  'shelve': 'SHELVED_OFFLOADED', 'unshelve': 'ACTIVE'}
# Query parameters that name a resource's project or filter it.
PROJECT_FILTERS = ('project_id', 'tenant_id', 'owner')


class FakeOpenStack(fixtures.Fixture):
    """The cloud: ``resources[collection]`` maps ids to dicts (with their
    project in ``project_id``), in listing order; any mapping will do,
    e.g. one that builds its items when asked. ``requests`` lists
    (method, path, query, body) of every call made; ``fail[(method,
    path)] = n`` makes the next n such calls answer 500. ``roles`` are the
    token's roles. Listings return at most the ``limit`` asked for and at
    most ``page_size`` items a page; a page after the first of a
    path in ``broken_paging`` answers 500; a collection in
    ``own_project_only`` lists only the token's project (as a service
    that ignores all_projects does)."""

    def __init__(self, roles=('admin', 'reader')):
        super().__init__()
        self.roles = list(roles)
        self.resources = {name: {} for name in COLLECTIONS.values()}
        self.requests = []
        self.fail = {}
        self.tokens = 0
        self.page_size = None
        self.broken_paging = set()
        self.own_project_only = set()

    def _setUp(self):
        fake = self

        class Handler(_Handler):
            cloud = fake

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                      Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_port
        thread = threading.Thread(target=self.server.serve_forever,
                                  daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)

    @property
    def auth_url(self):
        return self.url + '/identity/v3'

    def add(self, collection, resource_id, project_id, **fields):
        resource = dict(fields, id=resource_id, project_id=project_id,
                        tenant_id=project_id)
        # Where each service states the owner to an admin.
        if collection == 'images':
            resource['owner'] = project_id
        elif collection == 'volumes':
            resource['os-vol-tenant-attr:tenant_id'] = project_id
        elif collection == 'snapshots':
            resource['os-extended-snapshot-attributes:project_id'] = \
                project_id
        self.resources[collection][resource_id] = resource
        return resource

    def calls(self, *methods):
        """(method, path, body) of the recorded calls, optionally only
        those with the given methods."""
        return [(method, path, body) for method, path, _query, body
                in self.requests if not methods or method in methods]

    def token(self):
        self.tokens += 1
        endpoints = []
        for service_type, (path, version, _min, _max) in SERVICES.items():
            url = self.url + path
            if service_type in ('compute', 'block-storage'):
                url += '/' + version
            endpoints.append({
                'type': service_type, 'id': service_type,
                'name': service_type, 'endpoints': [
                    {'id': '%s-%s' % (service_type, interface),
                     'interface': interface, 'region': 'RegionOne',
                     'region_id': 'RegionOne', 'url': url}
                    for interface in ('public', 'internal', 'admin')]})
        endpoints.append({
            'type': 'identity', 'id': 'identity', 'name': 'keystone',
            'endpoints': [{'id': 'identity-%s' % interface,
                           'interface': interface, 'region': 'RegionOne',
                           'region_id': 'RegionOne',
                           'url': self.url + '/identity'}
                          for interface in ('public', 'internal',
                                            'admin')]})
        domain = {'id': 'default', 'name': 'Default'}
        return {'token': {
            'methods': ['password'],
            'expires_at': '2099-01-01T00:00:00.000000Z',
            'issued_at': '2026-01-01T00:00:00.000000Z',
            'user': {'id': 'rintik-user', 'name': 'rintik',
                     'domain': domain},
            'project': {'id': ADMIN_PROJECT, 'name': 'admin',
                        'domain': domain},
            'roles': [{'id': 'role-' + name, 'name': name}
                      for name in self.roles],
            'catalog': endpoints}}

    def discovery(self, service_type, versioned):
        path, version, min_version, max_version = SERVICES[service_type]
        document = {'id': version if version != 'v3' else 'v3.0',
                    'status': 'CURRENT',
                    'links': [{'rel': 'self', 'href': '%s%s/%s/' % (
                        self.url, path, version)}]}
        if min_version:
            document.update(min_version=min_version, version=max_version)
        if versioned:
            return {'version': document}
        return {'versions': [document]}


class _Handler(http.server.BaseHTTPRequestHandler):
    cloud = None

    def log_message(self, format, *args):
        pass

    def _reply(self, status, document=None, headers=()):
        body = b'' if document is None else json.dumps(document).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if document is not None:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return json.loads(self.rfile.read(length)) if length else None

    def _handle(self):
        cloud = self.cloud
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path.rstrip('/')
        query = dict(urllib.parse.parse_qsl(parsed.query))
        body = self._body()
        if path == '/identity/v3/auth/tokens' and self.command == 'POST':
            return self._reply(201, cloud.token(),
                               [('X-Subject-Token', 'fake-token')])
        if path.startswith('/identity'):
            return self._reply(200, {'version': {
                'id': 'v3.14', 'status': 'stable', 'links': [
                    {'rel': 'self', 'href': cloud.auth_url + '/'}]}})
        service_type, rest = self._service(path)
        if service_type is None:
            return self._reply(404, {'error': 'unknown path %s' % path})
        if not rest:
            return self._reply(200, cloud.discovery(
                service_type, path.count('/') > 1))
        cloud.requests.append((self.command, path, query, body))
        failures = cloud.fail.get((self.command, path), 0)
        if failures:
            cloud.fail[(self.command, path)] = failures - 1
            return self._reply(500, {'error': {'message': 'injected'}})
        return self._resource(service_type, rest, query, body)

    def _service(self, path):
        for service_type, (prefix, version, _min, _max) in SERVICES.items():
            if path == prefix or path.startswith(prefix + '/'):
                rest = path[len(prefix):].strip('/').split('/')
                if rest and rest[0] == version:
                    rest = rest[1:]
                return service_type, [part for part in rest if part]
        return None, None

    def _resource(self, service_type, rest, query, body):
        collection = COLLECTIONS.get((service_type, rest[0]))
        if collection is None:
            return self._reply(404, {'error': 'no collection'})
        items = self.cloud.resources[collection]
        if len(rest) == 1 or rest[1:] == ['detail']:
            return self._list(collection, items, query)
        item = items.get(rest[1])
        if item is None:
            return self._reply(404, {'error': 'not found'})
        if self.command == 'DELETE':
            del items[rest[1]]
            return self._reply(204)
        if rest[2:] == ['action']:
            (action,) = body
            item['status'] = SERVER_ACTIONS[action]
            return self._reply(202)
        if rest[2:] == ['remove_router_interface']:
            self.cloud.resources['ports'].pop(body['port_id'], None)
            return self._reply(200, {'id': item['id']})
        return self._reply(200, {collection[:-1]: item})

    def _list(self, collection, items, query):
        cloud = self.cloud
        path = urllib.parse.urlsplit(self.path).path
        ids = list(items)
        start = 0
        marker = query.get('marker')
        if marker is not None:
            if path.rstrip('/') in cloud.broken_paging:
                return self._reply(500, {'error': {'message': 'paging'}})
            start = ids.index(marker) + 1 if marker in items else len(ids)
        # A service serves at most its own page size, whatever the limit
        # asked for.
        limit = min(int(query.get('limit') or 0) or len(ids) + 1,
                    cloud.page_size or len(ids) + 1)
        listed = []
        for resource_id in itertools.islice(ids, start, None):
            item = items[resource_id]
            if _matches(item, query) and (
                    collection not in cloud.own_project_only or
                    item['project_id'] == ADMIN_PROJECT):
                listed.append(item)
                if len(listed) > limit:
                    break
        document = {collection: listed}
        if len(listed) > limit:
            document[collection] = listed[:limit]
            href = '%s%s?%s' % (cloud.url, path, urllib.parse.urlencode(
                dict(query, marker=listed[limit - 1]['id'], limit=limit)))
            if collection == 'images':
                document['next'] = href
            else:
                document[collection + '_links'] = [{'rel': 'next',
                                                    'href': href}]
        return self._reply(200, document)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


def _matches(item, query):
    for name, value in query.items():
        if name in PROJECT_FILTERS:
            if item['project_id'] != value:
                return False
        elif name in ('device_id', 'device_owner') and \
                item.get(name) != value:
            return False
    return True
