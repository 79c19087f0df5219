"""Invoices and their segments as the dashboard contract spells them
(values formatted by rintik.common.formats)."""

from rintik.common import formats
from rintik.common import resource_types
from rintik.db import invoices as db_invoices
from rintik.rating import invoicing


def _number(quantity):
    """A quantity as a JSON number (ints stay ints)."""
    if quantity == quantity.to_integral_value():
        return int(quantity)
    return float(quantity)


def _typed(line):
    """The fields of a segment that name its resource, as its type's
    items spell them."""
    interval = line.interval
    kind = resource_types.BY_NAME[interval.resource_type]
    fields = {kind.id_field: interval.resource_id}
    if kind.key_field is not None:
        fields[kind.key_field] = interval.price_key
    if kind.quantity_field is not None:
        fields[kind.quantity_field] = _number(interval.quantity)
    fields[kind.name_field] = line.name
    return fields


def segment(line, segment_id, invoice_id, currency):
    """One segment object of a full invoice (``line``: a
    rintik.billing.segments.Segment)."""
    body = {
        'id': segment_id,
        'start_date': formats.iso(line.start),
        'end_date': formats.iso(line.end),
        'adjusted_end_date': formats.iso(line.adjusted_end),
        'price_charged': formats.money_text(line.charge, currency),
        'price_charged_currency': currency,
        'hourly_price': formats.price_text(line.hourly, currency),
        'hourly_price_currency': currency,
        'monthly_price': formats.price_text(line.monthly, currency),
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
        'start_date': formats.iso(invoice.period_start),
        'end_date': formats.iso(invoice.period_end) if closed else None,
        'state': invoice.state,
        'subtotal': formats.money_text(subtotal, currency),
        'subtotal_currency': currency,
        'tax': formats.money_text(invoice.tax, currency) if closed else None,
        'total': (formats.money_text(invoice.total, currency) if closed
                  else None),
        'total_currency': currency,
    }


def project_object(project_id, email):
    return {'tenant_id': project_id, 'email_notification': email or ''}


def full_invoice(invoice, lines, segment_ids, email, currency):
    """The full invoice object with its six arrays of segments."""
    body = simple_invoice(invoice, lines, currency)
    body.update({
        'created_at': formats.iso(invoice.created_at),
        'updated_at': formats.iso(invoice.updated_at),
        'finish_date': formats.iso(invoice.finish_date),
        'tax_currency': currency,
        'project': project_object(invoice.project_id, email),
    })
    for kind in resource_types.TYPES:
        body[kind.array] = []
    for line, segment_id in zip(lines, segment_ids):
        body[resource_types.ARRAYS[line.interval.resource_type]].append(
            segment(line, segment_id, invoice.id, currency))
    return body
