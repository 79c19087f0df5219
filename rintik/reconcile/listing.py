"""What exists in OpenStack, described the way the notification handlers
describe it (PRODUCT.md §1.1).

openstacksdk gives the session (authentication, catalog, ``region_name``,
version discovery); the collections are read page by page with the
proxies' plain ``get`` and each page of JSON is decoded straight into
compact ``Found`` records: building an sdk resource object per item costs
milliseconds, which is minutes for a cloud of 200,000 resources. Nothing
holds more than one page.
"""

import datetime
import decimal
import typing
import urllib.parse

from openstack import exceptions as sdk_exceptions
from oslo_utils import timeutils

from rintik.billing import quantity as quantities
from rintik import exception

ONE = decimal.Decimal(1)
# Items asked for per page: the largest page Nova, Cinder and Glance serve
# by default (a service that serves fewer says so with a next link).
PAGE_SIZE = 1000


class IncompleteListing(exception.RintikException):
    """A page chain that stopped making progress."""


class Found(typing.NamedTuple):
    """One listed resource: its owner, billable attributes, name and
    when it came into existence (``launched_at``/``created_at`` as the
    API states it: see moment())."""

    resource_type: str
    resource_id: str
    project_id: str | None
    billable: bool
    price_key: str | None
    quantity: decimal.Decimal | None
    name: str | None
    created: str | None


def moment(text):
    """An API timestamp as an aware UTC datetime, or None."""
    if not text:
        return None
    try:
        parsed = timeutils.parse_isotime(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)


def _sized(resource_type, item, project_key, price_key=None):
    """A volume or snapshot: billable by its size in GB once the service
    states one; ``project_key`` names its owner."""
    size = item.get('size')
    size = None if size is None else decimal.Decimal(size)
    return Found(resource_type, item['id'], item.get(project_key),
                 size is not None, price_key, size, item.get('name'),
                 item.get('created_at'))


def _next_params(document, collection):
    """The query of the page after ``document`` as its next link gives
    it (Nova, Cinder, Neutron: ``<collection>_links``; Glance:
    ``next``), or None without one."""
    href = document.get('next')
    for link in document.get(collection + '_links') or ():
        if link.get('rel') == 'next':
            href = link.get('href')
    if not href:
        return None
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query))


def pages(proxy, path, collection, params=None, page_size=PAGE_SIZE):
    """Every page of a collection as a list of raw JSON items, following
    the next links the service returns (and, like openstacksdk, asking
    for the page after a full one that came without a link). A failed
    call raises an openstacksdk error; a next link without a marker, or a
    page that lists nothing new, raises IncompleteListing: the caller
    must not take such a listing for everything that exists."""
    query = dict(params or {}, limit=page_size)
    seen_last = set()
    while True:
        response = proxy.get(path, params=query)
        sdk_exceptions.raise_from_response(response)
        document = response.json()
        items = document.get(collection)
        if not isinstance(items, list):
            raise IncompleteListing('%s answered without a %s list'
                                    % (path, collection))
        if items:
            last = items[-1]['id']
            if last in seen_last:
                raise IncompleteListing('%s paging made no progress at %s'
                                        % (path, query.get('marker')))
            seen_last.add(last)
            yield items
        following = _next_params(document, collection)
        if following is None:
            if len(items) < int(query['limit']):
                return
            following = {'marker': items[-1]['id']}
        marker = following.get('marker')
        if not marker or marker == query.get('marker'):
            raise IncompleteListing('%s paging made no progress at %s'
                                    % (path, marker))
        query = dict(query, **following)


def servers(cloud, conf):
    """Pages of Found instances (all projects)."""
    unbillable = frozenset(conf.notification.unbillable_instance_states)
    flavor_ids = {}
    for page in pages(cloud.compute, '/servers/detail', 'servers',
                      {'all_tenants': 1}):
        found = []
        for server in page:
            flavor = server.get('flavor') or {}
            flavor_id = flavor.get('id')
            if flavor_id is None and flavor.get('original_name'):
                # Since microversion 2.47 a server embeds its flavor by
                # name.
                if not flavor_ids:
                    flavor_ids.update((item.name, item.id) for item in
                                      cloud.compute.flavors(is_public=None))
                flavor_id = flavor_ids.get(flavor['original_name'])
            state = (server.get('OS-EXT-STS:vm_state') or
                     (server.get('status') or '').lower())
            found.append(Found(
                'instance', server['id'], server.get('tenant_id'),
                state not in unbillable, flavor_id, ONE, server.get('name'),
                server.get('OS-SRV-USG:launched_at') or
                server.get('created')))
        yield found


def volumes(cloud, conf):
    """Pages of Found volumes (all projects)."""
    type_ids = {}
    for page in pages(cloud.block_storage, '/volumes/detail', 'volumes',
                      {'all_tenants': 1}):
        found = []
        for volume in page:
            type_id = volume.get('volume_type_id')
            type_name = volume.get('volume_type')
            if type_id is None and type_name:
                # Before microversion 3.63 a volume names its type only.
                if not type_ids:
                    type_ids.update((kind.name, kind.id) for kind in
                                    cloud.block_storage.types())
                type_id = type_ids.get(type_name, type_name)
            found.append(_sized('volume', volume,
                                'os-vol-tenant-attr:tenant_id', type_id))
        yield found


def snapshots(cloud, conf):
    """Pages of Found volume snapshots (all projects)."""
    for page in pages(cloud.block_storage, '/snapshots/detail', 'snapshots',
                      {'all_tenants': 1}):
        yield [_sized('snapshot', snapshot,
                      'os-extended-snapshot-attributes:project_id')
               for snapshot in page]


def floating_ips(cloud, conf):
    """Pages of Found floating IPs (an admin lists every project's)."""
    for page in pages(cloud.network, '/floatingips', 'floatingips'):
        yield [Found('floating_ip', address['id'],
                     address.get('project_id') or address.get('tenant_id'),
                     True, None, ONE, address.get('floating_ip_address'),
                     address.get('created_at'))
               for address in page]


def routers(cloud, conf):
    """Pages of Found routers (an admin lists every project's)."""
    for page in pages(cloud.network, '/routers', 'routers'):
        yield [Found('router', router['id'],
                     router.get('project_id') or router.get('tenant_id'),
                     router.get('external_gateway_info') is not None, None,
                     ONE, router.get('name'),
                     router.get('created_at'))
               for router in page]


def images(cloud, conf):
    """Pages of Found images (an admin lists every project's); deleted
    and killed images are left out."""
    for page in pages(cloud.image, '/images', 'images'):
        found = []
        for image in page:
            status = image.get('status')
            if status in ('deleted', 'killed'):
                continue
            size = image.get('size')
            billable = status == 'active' and size is not None
            found.append(Found(
                'image', image['id'], image.get('owner'), billable, None,
                quantities.gib_from_bytes(decimal.Decimal(size))
                if billable else None,
                image.get('name'), image.get('created_at')))
        yield found


# service -> [(resource type, lister)]: a lister yields pages (lists) of
# Found; a service whose listing fails is skipped as a whole.
LISTERS = {
    'compute': [('instance', servers)],
    'block-storage': [('volume', volumes), ('snapshot', snapshots)],
    'network': [('floating_ip', floating_ips), ('router', routers)],
    'image': [('image', images)],
}
