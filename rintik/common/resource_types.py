"""The resource types Rintik bills, in the dashboard's order, as the
dashboard contract lists them (dashboard-api.md): the JSON array of each
type in a full invoice and in enable_billing, the fields of one item,
and the label the notices show. Everything that lists the types derives
from ``TYPES``."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class ResourceType:
    """One billed resource type and the contract's fields of an item:
    the resource's id, its name, its price key (None: the type has one
    price) and its quantity (None: always 1)."""

    name: str
    array: str
    label: str
    id_field: str
    name_field: str
    key_field: str | None = None
    quantity_field: str | None = None


GB = 'space_allocation_gb'

TYPES = (
    ResourceType('instance', 'instances', 'Instances', 'instance_id', 'name',
                 key_field='flavor_id'),
    ResourceType('volume', 'volumes', 'Volumes', 'volume_id', 'volume_name',
                 key_field='volume_type_id', quantity_field=GB),
    ResourceType('floating_ip', 'floating_ips', 'Floating IPs', 'fip_id',
                 'ip'),
    ResourceType('router', 'routers', 'Routers', 'router_id', 'name'),
    ResourceType('snapshot', 'snapshots', 'Snapshots', 'snapshot_id', 'name',
                 quantity_field=GB),
    ResourceType('image', 'images', 'Images', 'image_id', 'name',
                 quantity_field=GB),
)
BY_NAME = {kind.name: kind for kind in TYPES}
NAMES = tuple(BY_NAME)
# resource type -> its JSON array
ARRAYS = {kind.name: kind.array for kind in TYPES}
