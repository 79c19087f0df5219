"""What the resource controllers share: the billing policy,
money input and the query flags of the contract."""


import pecan

from rintik.api import errors
from rintik import conf
from rintik.rating import invoicing

CONF = conf.CONF
TRUE_FLAGS = ('true', '1', 'yes', 'on')


def actor():
    """Who a money movement of this request is recorded as caused by."""
    context = pecan.request.context
    return {'caused_by': context.user_id or 'anonymous',
            'request_id': context.request_id}


def policy():
    """The [billing] options shaping charges and money output."""
    return invoicing.Policy.from_conf(CONF)


def currency():
    return CONF.billing.currency


def check_currency(body, *fields):
    """Every ``<field>_currency`` given must be the deployment's."""
    for field in fields:
        given = body.get(field + '_currency')
        if given is not None and given != currency():
            raise errors.InvalidFields({field + '_currency': [
                'Only %s is accepted.' % currency()]})


def flag(name):
    """A true-ish query parameter (``true``, ``1``)."""
    return pecan.request.GET.get(name, '').lower() in TRUE_FLAGS


def query(name):
    return pecan.request.GET.get(name)


def created(body):
    pecan.response.status = 201
    return body


def no_content():
    pecan.response.status = 204
    pecan.response.content_type = None
