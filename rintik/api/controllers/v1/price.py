"""``/api/price/{kind}/``: the rate card, with history."""

import pecan

from rintik.api.controllers import base
from rintik.api.controllers.v1 import common
from rintik.api import errors
from rintik.api import utils
from rintik.common import clock
from rintik.common import formats
from rintik.db import ratecard as db_ratecard
from rintik import exception
from rintik.rating import prices

MONEY = {'type': ['string', 'number']}
PRICE_SCHEMA = {
    'type': 'object',
    'properties': {
        'hourly_price': MONEY,
        'hourly_price_currency': {'type': ['string', 'null']},
        'monthly_price': {'type': ['string', 'number', 'null']},
        'monthly_price_currency': {'type': ['string', 'null']},
        'effective_from': {'type': ['string', 'null']},
        'flavor_id': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'volume_type_id': {'type': 'string', 'minLength': 1,
                           'maxLength': 255},
    },
}


def price_object(key, version):
    """A price key with the version shown, as the contract spells it."""
    currency = common.currency()
    body = {
        'id': key.id,
        'created_at': formats.iso(key.created_at),
        'updated_at': formats.iso(key.updated_at),
        'hourly_price': formats.price_text(version.hourly, currency),
        'hourly_price_currency': currency,
        'monthly_price': formats.price_text(version.monthly, currency),
        'monthly_price_currency': currency,
        'effective_from': formats.iso(version.effective_from),
        'ended': version.ended,
    }
    if key.kind in prices.KEYED:
        body[prices.KEYED[key.kind]] = key.key
    return body


def _on_item(key_id):
    """PUT, PATCH and DELETE name a price: on the collection they are
    405, not a 500 for the missing argument."""
    if key_id is None:
        pecan.abort(405, headers={'Allow': 'GET, POST'})


class KindController(base.Controller):
    """The prices of one kind."""

    _custom_actions = {'history': ['GET']}

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    @pecan.expose('json')
    def get_all(self):
        utils.authorize('rintik:price:list')
        return [price_object(key, version) for key, version in
                prices.list_prices(pecan.request.context, self.kind,
                                   clock.utcnow())]

    @pecan.expose('json')
    def get_one(self, key_id):
        utils.authorize('rintik:price:get')
        return price_object(*prices.get_price(
            pecan.request.context, self.kind, utils.object_id(key_id),
            clock.utcnow()))

    @pecan.expose('json')
    def history(self, key_id):
        utils.authorize('rintik:price:history')
        key, versions = db_ratecard.key_with_versions(
            pecan.request.context, self.kind, utils.object_id(key_id))
        return [price_object(key, version) for version in versions]

    def _body(self, partial=False):
        body = utils.request_body(PRICE_SCHEMA)
        common.check_currency(body, 'hourly_price', 'monthly_price')
        if 'hourly_price' not in body and not partial:
            raise errors.InvalidFields(
                {'hourly_price': ['This field is required.']})
        effective_from = body.get('effective_from')
        if effective_from is not None:
            effective_from = utils.parse_datetime(effective_from,
                                                  'effective_from')
        return body, effective_from

    @pecan.expose('json')
    def post(self):
        utils.authorize('rintik:price:create')
        body, effective_from = self._body()
        context = pecan.request.context
        key_field = prices.KEYED.get(self.kind)
        key = body.get(key_field) if key_field else None
        if key_field and not key:
            raise errors.InvalidFields({key_field: [
                'This field is required.']})
        try:
            key_id = prices.create(
                context, self.kind, key,
                body['hourly_price'], body.get('monthly_price'),
                effective_from, clock.utcnow())
        except exception.Duplicate:
            field = key_field or 'non_field_errors'
            raise errors.InvalidFields({field: [
                'A price for this %s exists already.' % self.kind]})
        return common.created(price_object(*db_ratecard.latest_version(
            context, key_id)))

    def _new_version(self, key_id, partial):
        context = pecan.request.context
        key_id = utils.object_id(key_id)
        current = prices.get_price(context, self.kind, key_id,
                                   clock.utcnow())[1]
        body, effective_from = self._body(partial)
        hourly = body.get('hourly_price', current.hourly)
        monthly = body.get('monthly_price', current.monthly) if partial \
            else body.get('monthly_price')
        prices.add_version(context, self.kind, key_id, hourly, monthly,
                           effective_from, clock.utcnow())
        return price_object(*db_ratecard.latest_version(context, key_id))

    @pecan.expose('json')
    def put(self, key_id=None):
        _on_item(key_id)
        utils.authorize('rintik:price:update')
        return self._new_version(key_id, partial=False)

    @pecan.expose('json')
    def patch(self, key_id=None):
        _on_item(key_id)
        utils.authorize('rintik:price:update')
        return self._new_version(key_id, partial=True)

    @pecan.expose('json')
    def delete(self, key_id=None):
        _on_item(key_id)
        utils.authorize('rintik:price:delete')
        prices.end_price(pecan.request.context, self.kind,
                         utils.object_id(key_id), clock.utcnow())
        common.no_content()


class PriceController(base.Controller):
    """``/api/price/``: one collection per price kind."""

    @pecan.expose()
    def _lookup(self, kind, *remainder):
        if kind not in prices.KINDS:
            pecan.abort(404)
        return KindController(kind), remainder
