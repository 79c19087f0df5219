"""``/api/usage/``: metered usage the rate card does not price."""

import pecan

from rintik.api.controllers import base
from rintik.api import utils
from rintik.common import formats
from rintik.rating import unpriced


def usage_object(row):
    return {
        'resource_id': row.resource_id,
        'resource_type': row.resource_type,
        'project_id': row.project_id,
        'price_key': row.price_key,
        'quantity': str(row.quantity),
        'start': formats.iso(row.start),
        'end': formats.iso(row.end),
    }


class UsageController(base.Controller):

    _custom_actions = {'unpriced': ['GET']}

    @pecan.expose('json')
    def unpriced(self):
        utils.authorize('rintik:usage:unpriced')
        return [usage_object(row) for row in
                unpriced.unpriced_usage(pecan.request.context)]
