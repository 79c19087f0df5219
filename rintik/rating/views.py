"""Invoices, segments and prices as the dashboard contract spells them,
with the API's one datetime format (``iso``), which every serialiser and
error message of the API uses."""

import datetime
import decimal

from rintik.billing import money
from rintik.db import invoices as db_invoices
from rintik.rating import invoicing

ARRAYS = {
    'instance': 'instances',
    'volume': 'volumes',
    'floating_ip': 'floating_ips',
    'router': 'routers',
    'snapshot': 'snapshots',
    'image': 'images',
}


def iso(moment):
    """The API's one datetime format (dashboard-api.md), or None: ISO
    8601 in UTC with six fraction digits and ``Z``, e.g.
    ``2026-11-25T09:10:50.903005Z``. A naive datetime is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.replace(tzinfo=None).isoformat(
        timespec='microseconds') + 'Z'


def money_text(amount, currency):
    """An amount with the currency's minor-unit decimals, or None."""
    if amount is None:
        return None
    return format(money.quantize_money(amount, currency), 'f')


def price_text(amount, currency):
    """A price keeping its stored digits: at least the minor unit, at
    most 8 decimals."""
    if amount is None:
        return None
    digits = max(money.minor_unit(currency),
                 min(8, -amount.normalize().as_tuple().exponent))
    return format(amount.quantize(decimal.Decimal(1).scaleb(-digits)), 'f')


def _number(quantity):
    """A quantity as a JSON number (ints stay ints)."""
    if quantity == quantity.to_integral_value():
        return int(quantity)
    return float(quantity)


def _typed(line):
    quantity = _number(line.quantity)
    return {
        'instance': {'instance_id': line.resource_id,
                     'flavor_id': line.price_key, 'name': line.name},
        'volume': {'volume_id': line.resource_id,
                   'volume_type_id': line.price_key,
                   'space_allocation_gb': quantity,
                   'volume_name': line.name},
        'floating_ip': {'fip_id': line.resource_id, 'ip': line.name},
        'router': {'router_id': line.resource_id, 'name': line.name},
        'snapshot': {'snapshot_id': line.resource_id,
                     'space_allocation_gb': quantity, 'name': line.name},
        'image': {'image_id': line.resource_id,
                  'space_allocation_gb': quantity, 'name': line.name},
    }[line.resource_type]


def segment(line, segment_id, invoice_id, currency):
    """One segment object of a full invoice."""
    body = {
        'id': segment_id,
        'start_date': iso(line.start),
        'end_date': iso(line.end),
        'adjusted_end_date': iso(line.adjusted_end),
        'price_charged': money_text(line.charge, currency),
        'price_charged_currency': currency,
        'hourly_price': price_text(line.hourly, currency),
        'hourly_price_currency': currency,
        'monthly_price': price_text(line.monthly, currency),
        'monthly_price_currency': currency,
        'invoice': invoice_id,
        'adjustment': line.adjustment,
    }
    if line.adjustment:
        body['adjusted_invoice'] = line.adjusted_invoice_id
    body.update(_typed(line))
    return body


def simple_invoice(invoice, lines, currency):
    """The simple invoice object; while in progress its subtotal is that
    of its live ``lines`` (unused once issued)."""
    closed = invoice.state != db_invoices.IN_PROGRESS
    subtotal = invoice.subtotal if closed else invoicing.totals(
        lines, 0, currency).subtotal
    return {
        'id': invoice.id,
        'start_date': iso(invoice.period_start),
        'end_date': iso(invoice.period_end) if closed else None,
        'state': invoice.state,
        'subtotal': money_text(subtotal, currency),
        'subtotal_currency': currency,
        'tax': money_text(invoice.tax, currency) if closed else None,
        'total': money_text(invoice.total, currency) if closed else None,
        'total_currency': currency,
    }


def project_object(project_id, email):
    return {'tenant_id': project_id, 'email_notification': email or ''}


def full_invoice(invoice, lines, segment_ids, email, currency):
    """The full invoice object with its six arrays of segments."""
    body = simple_invoice(invoice, lines, currency)
    body.update({
        'created_at': iso(invoice.created_at),
        'updated_at': iso(invoice.updated_at),
        'finish_date': iso(invoice.finish_date),
        'tax_currency': currency,
        'project': project_object(invoice.project_id, email),
    })
    for array in ARRAYS.values():
        body[array] = []
    for line, segment_id in zip(lines, segment_ids):
        body[ARRAYS[line.resource_type]].append(
            segment(line, segment_id, invoice.id, currency))
    return body
