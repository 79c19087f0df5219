"""``/api/settings/``: the operator settings, typed."""

import pecan

from rintik.api.controllers import base
from rintik.api import utils
from rintik.rating import settings

VALUE_SCHEMA = {
    'type': 'object',
    'properties': {'value': {}},
    'required': ['value'],
}


class SettingsController(base.Controller):

    @pecan.expose('json')
    def get_all(self):
        utils.authorize('rintik:setting:list')
        return settings.all_settings(pecan.request.context)

    @pecan.expose('json')
    def get_one(self, name):
        utils.authorize('rintik:setting:get')
        return {name: settings.get_setting(pecan.request.context, name)}

    def _update(self, name):
        if name is None:
            # PUT or PATCH on the collection: 405, not a 500 for the
            # missing argument.
            pecan.abort(405, headers={'Allow': 'GET'})
        utils.authorize('rintik:setting:update')
        body = utils.request_body(VALUE_SCHEMA)
        return {name: settings.set_setting(pecan.request.context, name,
                                           body['value'])}

    @pecan.expose('json')
    def put(self, name=None):
        return self._update(name)

    @pecan.expose('json')
    def patch(self, name=None):
        return self._update(name)
