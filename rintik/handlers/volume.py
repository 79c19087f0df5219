"""Cinder volumes and volume snapshots."""

from rintik.handlers import base
from rintik.metering import facts


class _CinderHandler(base.NotificationHandler):
    """A Cinder resource: ``<kind>.*`` events, ``<kind>.delete.end`` is
    "gone", the others state its size."""

    kind = None
    id_key = None
    size_key = None
    price_key = None

    def facts(self, event_type, payload):
        resource = base.require_mapping(payload)
        resource_id = base.require_id(resource, self.id_key)
        project_id = base.optional_id(resource, 'tenant_id', 'project_id')
        name = base.optional_text(resource, 'display_name')
        if event_type == self.kind + '.delete.end':
            return [facts.Observation(self.kind, resource_id, project_id,
                                      gone=True, name=name)]
        return [facts.Observation(
            self.kind, resource_id, project_id, billable=True,
            price_key=(base.optional_id(resource, self.price_key)
                       if self.price_key else None),
            quantity=base.require_quantity(resource, self.size_key),
            name=name)]


class VolumeHandler(_CinderHandler):
    """Volumes: quantity = size in GB, priced by volume type id."""

    kind = 'volume'
    id_key = 'volume_id'
    size_key = 'size'
    price_key = 'volume_type'
    event_types = frozenset([
        'volume.create.end', 'volume.resize.end', 'volume.retype',
        'volume.update.end', 'volume.attach.end', 'volume.detach.end',
        'volume.exists', 'volume.delete.end'])


class SnapshotHandler(_CinderHandler):
    """Volume snapshots: quantity = the volume's size in GB, one price."""

    kind = 'snapshot'
    id_key = 'snapshot_id'
    size_key = 'volume_size'
    event_types = frozenset([
        'snapshot.create.end', 'snapshot.update.end', 'snapshot.exists',
        'snapshot.delete.end'])
