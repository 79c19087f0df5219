"""Glance images: billable while active, per GiB."""

from rintik.billing import quantity
from rintik import exception
from rintik.handlers import base
from rintik.metering import facts

GONE_STATUSES = frozenset(['deleted', 'killed'])


def gib(size_bytes):
    """Whole bytes as an exact number of GiB."""
    if size_bytes != size_bytes.to_integral_value():
        raise exception.InvalidNotification('size is not whole bytes')
    return quantity.gib_from_bytes(size_bytes)


class ImageHandler(base.NotificationHandler):
    event_types = frozenset(['image.create', 'image.update', 'image.upload',
                             'image.activate', 'image.delete'])

    def facts(self, event_type, payload):
        image = base.require_mapping(payload)
        image_id = base.require_id(image, 'id')
        project_id = base.optional_id(image, 'owner')
        name = base.optional_text(image, 'name')
        status = image.get('status')
        if event_type == 'image.delete' or status in GONE_STATUSES:
            return [facts.Observation('image', image_id, project_id,
                                      gone=True, name=name)]
        if status == 'active' and image.get('size') is not None:
            size = base.require_quantity(image, 'size')
            return [facts.Observation('image', image_id, project_id,
                                      billable=True, quantity=gib(size),
                                      name=name)]
        return [facts.Observation('image', image_id, project_id, name=name)]
