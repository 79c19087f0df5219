"""Cinder volumes and volume snapshots."""

from rintik.handlers import base
from rintik.metering import facts


class VolumeHandler(base.NotificationHandler):
    """Volumes: quantity = size in GB, priced by volume type id."""

    event_types = frozenset([
        'volume.create.end', 'volume.resize.end', 'volume.retype',
        'volume.update.end', 'volume.attach.end', 'volume.detach.end',
        'volume.exists', 'volume.delete.end'])

    def facts(self, event_type, payload):
        volume = base.require_mapping(payload)
        volume_id = base.require_id(volume, 'volume_id')
        project_id = base.optional_id(volume, 'tenant_id', 'project_id')
        name = base.optional_text(volume, 'display_name')
        if event_type == 'volume.delete.end':
            return [facts.Observation('volume', volume_id, project_id,
                                      gone=True, name=name)]
        return [facts.Observation(
            'volume', volume_id, project_id, billable=True,
            price_key=base.optional_id(volume, 'volume_type'),
            quantity=base.require_quantity(volume, 'size'), name=name)]


class SnapshotHandler(base.NotificationHandler):
    """Volume snapshots: quantity = the volume's size in GB, one price."""

    event_types = frozenset([
        'snapshot.create.end', 'snapshot.update.end', 'snapshot.exists',
        'snapshot.delete.end'])

    def facts(self, event_type, payload):
        snapshot = base.require_mapping(payload)
        snapshot_id = base.require_id(snapshot, 'snapshot_id')
        project_id = base.optional_id(snapshot, 'tenant_id', 'project_id')
        name = base.optional_text(snapshot, 'display_name')
        if event_type == 'snapshot.delete.end':
            return [facts.Observation('snapshot', snapshot_id, project_id,
                                      gone=True, name=name)]
        return [facts.Observation(
            'snapshot', snapshot_id, project_id, billable=True,
            quantity=base.require_quantity(snapshot, 'volume_size'),
            name=name)]
