"""What each money event tells its readers: a Notice per event, with its
facts as JSON-ready strings (money in the currency's minor unit)."""

import dataclasses
import functools

from rintik.common import formats
from rintik.common import resource_types

INVOICE_ISSUED = 'invoice_issued'
INVOICE_PAID = 'invoice_paid'
INVOICE_ROLLED_BACK = 'invoice_rolled_back'
BALANCE_TOP_UP = 'balance_top_up'
BALANCE_TOP_DOWN = 'balance_top_down'
UNPAID_STEP = 'unpaid_step'
UNPRICED_USAGE = 'unpriced_usage'
QUARANTINED = 'quarantined'
RECONCILED = 'reconciled'

TYPE_LABELS = {kind.name: kind.label for kind in resource_types.TYPES}


@dataclasses.dataclass(frozen=True)
class Notice:
    """One notification to store: ``project_id`` None is for the admins;
    ``data`` holds the facts the templates show (``data['text']`` is the
    one-paragraph message of the generic template)."""

    project_id: str | None
    event: str
    title: str
    short_description: str
    data: dict


def _period(invoice):
    return invoice.period_start.strftime('%Y-%m')


def _money(amount, currency):
    return formats.money_text(amount, currency)


# An invoice's lines (and a rollover's invoices) share their period's
# edges: each moment is spelled once.
_iso = functools.lru_cache(maxsize=4096)(formats.iso)


def _groups(lines, currency):
    """Lines by resource type, in the dashboard's order, with subtotals."""
    by_type = {}
    for line in lines:
        by_type.setdefault(line.interval.resource_type, []).append(line)
    groups = []
    for resource_type, label in TYPE_LABELS.items():
        mine = by_type.get(resource_type)
        if not mine:
            continue
        groups.append({
            'type': resource_type, 'label': label,
            'subtotal': _money(sum(line.charge for line in mine), currency),
            'lines': [{
                'resource_id': line.interval.resource_id,
                'name': line.name or '',
                'start': _iso(line.start),
                'end': _iso(line.adjusted_end),
                'charge': _money(line.charge, currency),
                'adjustment': line.adjustment,
            } for line in mine]})
    return groups


def invoice_issued(project_id, invoice, lines, totals, tax_percent,
                   currency):
    """An invoice closed by the rollover, with its lines and totals."""
    total = _money(totals.total, currency)
    return Notice(project_id, INVOICE_ISSUED,
                  'Invoice %d for %s' % (invoice.id, _period(invoice)),
                  'Total %s %s' % (currency, total),
                  {'invoice_id': invoice.id, 'period': _period(invoice),
                   'currency': currency,
                   'groups': _groups(lines, currency),
                   'subtotal': _money(totals.subtotal, currency),
                   'tax_percent': tax_percent,
                   'tax': _money(totals.tax, currency), 'total': total})


def _invoice_notice(invoice, event, title, text, balance_verb, moved,
                    currency, **facts):
    """A notice about a state change of ``invoice``, saying how much
    money ``moved`` to or from the balance (``balance_verb``)."""
    if moved > 0:
        text += '; %s %s was %s the balance' % (
            currency, _money(moved, currency), balance_verb)
    facts = {name: _money(amount, currency)
             for name, amount in facts.items()}
    return Notice(invoice.project_id, event, title, text[:255],
                  dict(facts, invoice_id=invoice.id, text=text + '.',
                       currency=currency))


def invoice_paid(invoice, total, deducted, currency):
    """An invoice paid: by ``finish`` or from the balance at rollover."""
    return _invoice_notice(
        invoice, INVOICE_PAID, 'Invoice %d paid' % invoice.id,
        'Invoice %d for %s (total %s %s) is paid' % (
            invoice.id, _period(invoice), currency,
            _money(total, currency)),
        'deducted from', deducted, currency, total=total,
        deducted=deducted)


def invoice_rolled_back(invoice, refunded, currency):
    """A paid invoice set back to unpaid."""
    return _invoice_notice(
        invoice, INVOICE_ROLLED_BACK,
        'Invoice %d is unpaid again' % invoice.id,
        'Invoice %d for %s is unpaid again' % (invoice.id,
                                               _period(invoice)),
        'refunded to', refunded, currency, refunded=refunded)


def balance_changed(project_id, action, amount, balance, description,
                    currency):
    """A top-up or top-down of a project's balance by an admin."""
    verb = 'added to' if action == 'top_up' else 'deducted from'
    text = '%s %s was %s the balance, which is now %s %s' % (
        currency, _money(amount, currency), verb, currency,
        _money(balance, currency))
    event = BALANCE_TOP_UP if action == 'top_up' else BALANCE_TOP_DOWN
    return Notice(project_id, event,
                  'Balance %s' % ('top-up' if action == 'top_up'
                                  else 'top-down'), text[:255],
                  {'text': text + '.', 'amount': _money(amount, currency),
                   'balance': _money(balance, currency),
                   'description': description or '',
                   'currency': currency})


def unpaid_step(invoice, step, message, resources):
    """An unpaid-invoice step taken: its message and what it acted on."""
    text = message or 'Invoice %d for %s is unpaid.' % (invoice.id,
                                                       _period(invoice))
    return Notice(invoice.project_id, UNPAID_STEP,
                  'Invoice %d is unpaid: %s' % (invoice.id,
                                                step.action.replace('_', ' ')),
                  text[:255],
                  {'invoice_id': invoice.id, 'text': text,
                   'step': step.key, 'action': step.action,
                   'days': step.days, 'resources': resources})


def unpriced_usage(segments):
    """For the admins: segments a rollover issued without a price."""
    text = ('%d invoice segments issued by the rollover have no price. '
            'See rintik-manage usage unpriced.' % segments)
    return Notice(None, UNPRICED_USAGE, 'Unpriced usage',
                  'Usage without a price was charged 0',
                  {'text': text, 'segments': segments})


def quarantined(count):
    """For the admins: messages quarantined since the last rollover."""
    text = ('%d notifications were quarantined since the previous '
            'rollover. See rintik-manage quarantine list.' % count)
    return Notice(None, QUARANTINED, 'Quarantined notifications',
                  '%d notifications quarantined' % count,
                  {'text': text, 'count': count})


def reconciled(repaired, blocked, warnings):
    """For the admins: one reconciliation run's repairs ({kind: count}),
    the differences it left blocked and its warnings."""
    done = ', '.join('%d %s' % (repaired[kind], kind)
                     for kind in sorted(repaired)) or 'nothing'
    text = ('Reconciliation with the OpenStack APIs repaired %s; %d '
            'differences were blocked by its guards.%s See rintik-manage '
            'reconcile --dry-run.' % (done, blocked, ''.join(
                ' ' + warning for warning in warnings)))
    return Notice(None, RECONCILED, 'Reconciliation',
                  'Repaired %s, %d blocked' % (done, blocked),
                  {'text': text, 'repaired': repaired, 'blocked': blocked,
                   'warnings': warnings})
