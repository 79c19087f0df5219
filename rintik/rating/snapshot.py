"""enable_billing's snapshot: what runs now, registered once."""

import decimal

from rintik.db import invoices as db_invoices
from rintik.db import metering
from rintik import exception
from rintik.metering import facts
from rintik.metering import ingest

ONE = decimal.Decimal(1)

# array -> (resource type, id field, name field, price key field,
#           quantity field, or None for quantity 1)
ARRAYS = {
    'instances': ('instance', 'instance_id', 'name', 'flavor_id', None),
    'volumes': ('volume', 'volume_id', 'volume_name', 'volume_type_id',
                'space_allocation_gb'),
    'floating_ips': ('floating_ip', 'fip_id', 'ip', None, None),
    'routers': ('router', 'router_id', 'name', None, None),
    'snapshots': ('snapshot', 'snapshot_id', 'name', None,
                  'space_allocation_gb'),
    'images': ('image', 'image_id', 'name', None, 'space_allocation_gb'),
}


def _observation(resource_type, item, fields):
    id_field, name_field, key_field, quantity_field = fields
    quantity = ONE
    if quantity_field is not None:
        quantity = decimal.Decimal(item[quantity_field])
    return facts.Observation(
        resource_type, item[id_field], item['tenant_id'], billable=True,
        price_key=item.get(key_field) if key_field else None,
        quantity=quantity, name=item.get(name_field))


def register(context, body):
    """Store every listed resource Rintik has not seen yet as a
    ``snapshot`` observation at its start_date. The message id is derived
    from the resource, so a second call changes nothing; a resource the
    monitor already knows is left to the monitor. Returns how many were
    registered."""
    records = []
    known = metering.known_resources(context, [
        (fields[0], item[fields[1]]) for array, fields in ARRAYS.items()
        for item in body.get(array, [])])
    for array, fields in ARRAYS.items():
        resource_type = fields[0]
        for item in body.get(array, []):
            key = (resource_type, item[fields[1]])
            if key in known:
                continue
            known.add(key)
            try:
                observation = _observation(resource_type, item, fields[1:])
            except (KeyError, decimal.InvalidOperation):
                raise exception.Invalid('%s: incomplete item' % array)
            records.append(('snapshot-%s-%s' % key, 'snapshot',
                            item['start_date'], [observation]))
            db_invoices.register_project(context, item['tenant_id'],
                                         item['start_date'])
    if records:
        ingest.store(context, records, [], source='snapshot')
    return len(records)
