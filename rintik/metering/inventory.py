"""The inventory enable_billing sends (what runs in the cloud now): each
resource Rintik has not heard of is stored once, as an observation at
its start_date. The observations keep the source name ``snapshot`` they
have always been stored with (``observations.source``, message ids
``snapshot-<type>-<id>``)."""

import decimal

from rintik.common import resource_types
from rintik.db import metering
from rintik import exception
from rintik.metering import facts
from rintik.metering import ingest

ONE = decimal.Decimal(1)


def _observation(kind, item):
    quantity = ONE
    if kind.quantity_field is not None:
        quantity = decimal.Decimal(item[kind.quantity_field])
    return facts.Observation(
        kind.name, item[kind.id_field], item['tenant_id'], billable=True,
        price_key=item.get(kind.key_field) if kind.key_field else None,
        quantity=quantity, name=item.get(kind.name_field))


def register(context, body):
    """Store every listed resource Rintik has not seen yet as an
    observation at its start_date. The message id is derived
    from the resource, so a second call changes nothing; a resource the
    monitor already knows is left to the monitor. Returns how many were
    registered."""
    records = []
    known = metering.known_resources(context, [
        (kind.name, item[kind.id_field]) for kind in resource_types.TYPES
        for item in body.get(kind.array, [])])
    for kind in resource_types.TYPES:
        for item in body.get(kind.array, []):
            key = (kind.name, item[kind.id_field])
            if key in known:
                continue
            known.add(key)
            try:
                observation = _observation(kind, item)
            except (KeyError, decimal.InvalidOperation):
                raise exception.Invalid('%s: incomplete item' % kind.array)
            records.append(('snapshot-%s-%s' % key, 'snapshot',
                            item['start_date'], [observation]))
    if records:
        ingest.store(context, records, [], source='snapshot')
    return len(records)
