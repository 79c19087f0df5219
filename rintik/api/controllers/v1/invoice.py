"""``/api/invoice/``: invoices, and the admin actions of billing."""

import pecan

from rintik.api.controllers import base
from rintik.api.controllers.v1 import common
from rintik.api import errors
from rintik.api import utils
from rintik.api import views
from rintik.common import clock
from rintik.common import resource_types
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import projects as db_projects
from rintik.db import settings as db_settings
from rintik import exception
from rintik.metering import inventory
from rintik.rating import billing_state
from rintik.rating import invoicing
from rintik.rating import payments
from rintik.rating import prices
from rintik.rating import rollover

DATE = {'type': 'string', 'minLength': 1}
TENANT = {'type': 'string', 'minLength': 1, 'maxLength': 64}
# Lengths of the columns they are stored in (rintik.db.models).
RESOURCE_ID = {'type': 'string', 'minLength': 1, 'maxLength': 64}
TEXT = {'type': ['string', 'null'], 'maxLength': 255}
GB = {'type': ['number', 'string']}


def _items(kind):
    """The JSON schema of an enable_billing array of ``kind``."""
    properties = {kind.name_field: TEXT, 'tenant_id': TENANT,
                  'start_date': DATE, kind.id_field: RESOURCE_ID}
    required = ['tenant_id', 'start_date', kind.id_field]
    if kind.key_field is not None:
        properties[kind.key_field] = TEXT
    if kind.quantity_field is not None:
        properties[kind.quantity_field] = GB
        required.append(kind.quantity_field)
    return {'type': 'array', 'items': {
        'type': 'object', 'properties': properties, 'required': required}}


ENABLE_SCHEMA = {
    'type': 'object',
    'properties': dict({'start_date': {'type': ['string', 'null']}}, **{
        kind.array: _items(kind) for kind in resource_types.TYPES}),
}
SUCCESS = {'status': 'success'}


def _size(value, field):
    """A space_allocation_gb, as Decimal: written like a price (digits,
    optionally a point and at most 8 decimals)."""
    try:
        return prices.check_amount(field, value)
    except exception.Invalid:
        raise errors.InvalidFields({field: [
            'Enter a number of GB not below 0.']})


def _emails(context, project_ids):
    emails = {}
    for project_id in set(project_ids):
        project = db_projects.get_project(context, project_id)
        emails[project_id] = project.email_notification if project else ''
    return emails


def full(context, invoice, email=None):
    """The full invoice object of one invoice."""
    lines, ids = invoicing.invoice_lines(context, invoice, common.policy(),
                                         clock.utcnow())
    return views.full_invoice(invoice, lines, ids, email, common.currency())


def simple(context, invoice):
    lines = []
    if invoice.state == db_invoices.IN_PROGRESS:
        lines = invoicing.invoice_lines(context, invoice, common.policy(),
                                        clock.utcnow())[0]
    return views.simple_invoice(invoice, lines, common.currency())


class InvoiceController(base.Controller):

    _custom_actions = {
        'simple_list': ['GET'],
        'enable_billing': ['POST'],
        'disable_billing': ['POST'],
        'reset_billing': ['POST'],
        'reset_transaction_data': ['POST'],
        'finish': ['GET', 'POST'],
        'rollback_to_unpaid': ['GET', 'POST'],
    }

    def _listed(self):
        project = utils.project_scope(common.query('tenant_id'))
        utils.authorize('rintik:invoice:list', {'project_id': project})
        limit, marker = utils.pagination(common.query('limit'),
                                         common.query('marker'))
        if marker is not None:
            marker = utils.object_id(marker)
        return db_invoices.list_invoices(pecan.request.context, project,
                                         limit, marker)

    @pecan.expose('json')
    def get_all(self):
        context = pecan.request.context
        with main_context_manager.reader.using(context):
            invoices = self._listed()
            emails = _emails(context, [i.project_id for i in invoices])
            return [full(context, invoice, emails[invoice.project_id])
                    for invoice in invoices]

    @pecan.expose('json')
    def simple_list(self):
        context = pecan.request.context
        with main_context_manager.reader.using(context):
            return [simple(context, invoice) for invoice in self._listed()]

    def _owned(self, invoice_id, rule):
        """The invoice if it belongs to the project in scope, else 404:
        the ``tenant_id`` named (an admin's too), else the caller's own
        project (any project for an admin)."""
        tenant_id = common.query('tenant_id')
        project = utils.project_scope(tenant_id)
        utils.authorize(rule, {'project_id': project})
        invoice = db_invoices.get_invoice(pecan.request.context,
                                          utils.object_id(invoice_id))
        if invoice is None or (invoice.project_id != project and (
                tenant_id or not pecan.request.context.is_admin)):
            raise exception.NotFound()
        return invoice

    @pecan.expose('json')
    def get_one(self, invoice_id):
        context = pecan.request.context
        # One reader transaction for the invoice, its project and its
        # lines, instead of one per query.
        with main_context_manager.reader.using(context):
            invoice = self._owned(invoice_id, 'rintik:invoice:get')
            return full(context, invoice,
                        _emails(context, [invoice.project_id])[
                            invoice.project_id])

    @pecan.expose('json')
    def enable_billing(self):
        utils.authorize('rintik:invoice:enable_billing')
        body = utils.request_body(ENABLE_SCHEMA)
        context = pecan.request.context
        now = clock.utcnow()
        for array in resource_types.ARRAYS.values():
            for index, item in enumerate(body.get(array, [])):
                field = '%s.%d.' % (array, index)
                utils.check_project_id(item['tenant_id'],
                                       field + 'tenant_id')
                item['start_date'] = utils.parse_datetime(
                    item['start_date'], field + 'start_date')
                if 'space_allocation_gb' in item:
                    item['space_allocation_gb'] = _size(
                        item['space_allocation_gb'],
                        field + 'space_allocation_gb')
        start = now
        if body.get('start_date'):
            start = utils.parse_datetime(body['start_date'], 'start_date')
        inventory.register(context, body)
        db_settings.open_window(context, start)
        rollover.open_current_invoices(context, common.CONF, now)
        return SUCCESS

    @pecan.expose('json')
    def disable_billing(self):
        utils.authorize('rintik:invoice:disable_billing')
        db_settings.close_window(pecan.request.context, clock.utcnow())
        return SUCCESS

    @pecan.expose('json')
    def reset_billing(self):
        utils.authorize('rintik:invoice:reset_billing')
        billing_state.reset(pecan.request.context, keep_prices=False)
        return SUCCESS

    @pecan.expose('json')
    def reset_transaction_data(self):
        utils.authorize('rintik:invoice:reset_transaction_data')
        billing_state.reset(pecan.request.context, keep_prices=True)
        return SUCCESS

    def _transition(self, invoice_id, rule, action):
        context = pecan.request.context
        invoice = self._owned(invoice_id, rule)
        action(context, invoice.id, common.flag('skip_balance'),
               clock.utcnow(), **common.actor())
        return full(context, db_invoices.get_invoice(context, invoice.id),
                    _emails(context, [invoice.project_id])[
                        invoice.project_id])

    @pecan.expose('json')
    def finish(self, invoice_id):
        return self._transition(invoice_id, 'rintik:invoice:finish',
                                payments.finish)

    @pecan.expose('json')
    def rollback_to_unpaid(self, invoice_id):
        return self._transition(invoice_id,
                                'rintik:invoice:rollback_to_unpaid',
                                payments.rollback_to_unpaid)
