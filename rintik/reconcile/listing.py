"""What exists in OpenStack, read through openstacksdk and described the
way the notification handlers describe it (PRODUCT.md §1.1)."""

import dataclasses
import datetime
import decimal

from oslo_utils import timeutils

from rintik.billing import quantity as quantities

ONE = decimal.Decimal(1)


@dataclasses.dataclass(frozen=True)
class Found:
    """One listed resource: its owner, billable attributes, name and
    when it came into existence (``launched_at``/``created_at``)."""

    resource_type: str
    resource_id: str
    project_id: str | None
    billable: bool
    price_key: str | None
    quantity: decimal.Decimal | None
    name: str | None
    created: datetime.datetime | None


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


def _size(value):
    """A listed size in GB, or None while the service states none."""
    return None if value is None else decimal.Decimal(value)


def servers(cloud, conf):
    unbillable = frozenset(conf.notification.unbillable_instance_states)
    flavor_ids = {}
    for server in cloud.compute.servers(all_projects=True):
        flavor = server.flavor or {}
        flavor_id = flavor.get('id')
        if flavor_id is None and flavor.get('original_name'):
            # Since microversion 2.47 a server embeds its flavor by name.
            if not flavor_ids:
                flavor_ids.update((flavor.name, flavor.id) for flavor in
                                  cloud.compute.flavors(is_public=None))
            flavor_id = flavor_ids.get(flavor['original_name'])
        state = server.vm_state or (server.status or '').lower()
        yield Found('instance', server.id, server.project_id,
                    state not in unbillable, flavor_id, ONE, server.name,
                    moment(server.launched_at) or moment(server.created_at))


def volumes(cloud, conf):
    type_ids = {}
    for volume in cloud.block_storage.volumes(all_projects=True):
        type_id = volume.volume_type_id
        if type_id is None and volume.volume_type:
            # Before microversion 3.63 a volume names its type only.
            if not type_ids:
                type_ids.update((kind.name, kind.id) for kind in
                                cloud.block_storage.types())
            type_id = type_ids.get(volume.volume_type, volume.volume_type)
        size = _size(volume.size)
        yield Found('volume', volume.id, volume.project_id, size is not None,
                    type_id, size, volume.name, moment(volume.created_at))


def snapshots(cloud, conf):
    for snapshot in cloud.block_storage.snapshots(all_projects=True):
        size = _size(snapshot.size)
        yield Found('snapshot', snapshot.id, snapshot.project_id,
                    size is not None, None, size, snapshot.name,
                    moment(snapshot.created_at))


def floating_ips(cloud, conf):
    for address in cloud.network.ips():
        yield Found('floating_ip', address.id, address.project_id, True,
                    None, ONE, address.floating_ip_address,
                    moment(address.created_at))


def routers(cloud, conf):
    for router in cloud.network.routers():
        yield Found('router', router.id, router.project_id,
                    router.external_gateway_info is not None, None, ONE,
                    router.name, moment(router.created_at))


def images(cloud, conf):
    for image in cloud.image.images():
        if image.status in ('deleted', 'killed'):
            continue
        billable = image.status == 'active' and image.size is not None
        size = (quantities.gib_from_bytes(decimal.Decimal(image.size))
                if billable else None)
        yield Found('image', image.id, image.owner, billable, None, size,
                    image.name, moment(image.created_at))


# service -> [(resource type, lister)]: a service whose listing fails is
# skipped as a whole.
LISTERS = {
    'compute': [('instance', servers)],
    'block-storage': [('volume', volumes), ('snapshot', snapshots)],
    'network': [('floating_ip', floating_ips), ('router', routers)],
    'image': [('image', images)],
}
