"""The overview charts: resources and cost so far in open invoices."""

from rintik.db import invoices as db_invoices
from rintik.rating import invoicing
from rintik.rating import views

TYPES = tuple(views.ARRAYS)


def open_invoice_lines(context, policy, now, project_id=None):
    """(invoice, its live lines) of every open invoice (of one project, or
    all)."""
    for invoice in db_invoices.list_invoices(
            context, project_id, state=db_invoices.IN_PROGRESS):
        yield invoice, invoicing.invoice_lines(context, invoice, policy,
                                               now)[0]


def overview(context, policy, now, project_id=None):
    """Per resource type: segments, running segments, cost, running cost
    of the open invoices (of one project, or all)."""
    counts = dict.fromkeys(TYPES, 0)
    running = dict.fromkeys(TYPES, 0)
    cost = dict.fromkeys(TYPES, 0)
    running_cost = dict.fromkeys(TYPES, 0)
    for _invoice, lines in open_invoice_lines(context, policy, now,
                                              project_id):
        for line in lines:
            counts[line.resource_type] += 1
            cost[line.resource_type] += line.charge
            if line.end is None:
                running[line.resource_type] += 1
                running_cost[line.resource_type] += line.charge
    return {'total_resource': counts, 'active_resource': running,
            'price_total_resource': cost,
            'price_active_resource': running_cost}


def chart(values, currency, money):
    """The dashboard's {"label": [...], "data": [...]} of one chart."""
    labels = [views.ARRAYS[kind] for kind in TYPES]
    if money:
        labels = ['%s (%s)' % (label, currency) for label in labels]
        return {'label': labels,
                'data': [float(values[kind]) for kind in TYPES]}
    return {'label': labels, 'data': [values[kind] for kind in TYPES]}
