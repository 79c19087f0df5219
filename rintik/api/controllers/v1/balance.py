"""``/api/balance/``: prepaid balances and their ledger."""

import pecan

from rintik.api.controllers import base
from rintik.api.controllers.v1 import common
from rintik.api import utils
from rintik.api import views
from rintik.billing import money
from rintik.common import clock
from rintik.common import formats
from rintik.db import balances
from rintik.db import projects as db_projects
from rintik import exception
from rintik.rating import payments
from rintik.rating import prices

AMOUNT_SCHEMA = {
    'type': 'object',
    'properties': {
        'amount': {'type': ['string', 'number']},
        'amount_currency': {'type': ['string', 'null']},
        'description': {'type': ['string', 'null'], 'maxLength': 4096},
    },
    'required': ['amount'],
}


def balance_object(context, row):
    project = db_projects.get_project(context, row.project_id)
    return {
        'id': row.id,
        'project': views.project_object(
            row.project_id, project.email_notification if project else ''),
        'amount': formats.money_text(row.amount, common.currency()),
        'amount_currency': common.currency(),
    }


def transaction_object(row):
    return {
        'id': row.id,
        'amount': formats.money_text(row.amount, common.currency()),
        'amount_currency': common.currency(),
        'action': row.action,
        'description': row.description,
        'created_at': formats.iso(row.created_at),
    }


class BalanceController(base.Controller):

    _custom_actions = {
        'retrieve_by_project': ['GET'],
        'transaction_by_project': ['GET'],
        'top_up_by_project': ['POST'],
        'top_down_by_project': ['POST'],
    }

    @pecan.expose('json')
    def get_all(self):
        utils.authorize('rintik:balance:list')
        context = pecan.request.context
        return [balance_object(context, row)
                for row in balances.list_balances(context)]

    @pecan.expose('json')
    def get_one(self, balance_id):
        context = pecan.request.context
        tenant_id = common.query('tenant_id')
        project = utils.project_scope(tenant_id)
        row = balances.get_balance(context,
                                   balance_id=utils.object_id(balance_id))
        if row is None or (row.project_id != project and (
                tenant_id or not context.is_admin)):
            raise exception.NotFound()
        utils.authorize('rintik:balance:get', {'project_id': row.project_id})
        return balance_object(context, row)

    def _project(self, tenant_id, rule):
        project = utils.project_scope(tenant_id)
        utils.authorize(rule, {'project_id': project})
        context = pecan.request.context
        if db_projects.get_project(context, project) is None and \
                balances.get_balance(context, project_id=project) is None:
            raise exception.NotFound()
        return project

    @pecan.expose('json')
    def retrieve_by_project(self, tenant_id):
        context = pecan.request.context
        project = self._project(tenant_id,
                                'rintik:balance:retrieve_by_project')
        return balance_object(context, balances.ensure(context, project,
                                                       clock.utcnow()))

    @pecan.expose('json')
    def transaction_by_project(self, tenant_id):
        project = self._project(tenant_id,
                                'rintik:balance:transaction_by_project')
        return [transaction_object(row) for row in balances.transactions(
            pecan.request.context, project)]

    def _record(self, tenant_id, rule, action):
        project = self._project(tenant_id, rule)
        body = utils.request_body(AMOUNT_SCHEMA)
        common.check_currency(body, 'amount')
        amount = prices.check_amount('amount', body['amount'])
        if amount <= 0:
            raise exception.Invalid('amount must be greater than 0.',
                                    field='amount')
        if amount != money.quantize_money(amount, common.currency()):
            raise exception.Invalid('amount has more decimals than %s '
                                    'allows.' % common.currency(),
                                    field='amount')
        context = pecan.request.context
        transaction_id = payments.change_balance(
            context, project, action, amount, body.get('description'),
            clock.utcnow(), **common.actor())
        return common.created(transaction_object(
            balances.get_transaction(context, transaction_id)))

    @pecan.expose('json')
    def top_up_by_project(self, tenant_id):
        return self._record(tenant_id, 'rintik:balance:top_up',
                            balances.TOP_UP)

    @pecan.expose('json')
    def top_down_by_project(self, tenant_id):
        return self._record(tenant_id, 'rintik:balance:top_down',
                            balances.TOP_DOWN)
