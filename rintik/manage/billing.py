"""rintik-manage commands of rating and invoicing (CLI.md)."""


from rintik.api import views
from rintik.common import clock
from rintik.common import formats
from rintik import context as rintik_context
from rintik.db import invoices as db_invoices
from rintik.db import ratecard as db_ratecard
from rintik.db import settings as db_settings
from rintik import exception
from rintik.manage import base
from rintik.manage import cloud
from rintik.rating import invoicing
from rintik.rating import overview
from rintik.rating import prices
from rintik.rating import rollover
from rintik.rating import settings


def _now(text=None):
    if text:
        return base.parse_time(text)
    return clock.utcnow()


class _Commands:

    def __init__(self, conf):
        self.conf = conf
        self.context = rintik_context.get_admin_context()
        self.policy = invoicing.Policy.from_conf(conf)

    def _price_row(self, key, version):
        return {'id': key.id, 'kind': key.kind, 'key': key.key or None,
                'hourly_price': formats.price_text(version.hourly,
                                                 self.policy.currency),
                'monthly_price': formats.price_text(version.monthly,
                                                  self.policy.currency),
                'effective_from': base.format_time(version.effective_from),
                'ended': version.ended}


PRICE_COLUMNS = ('id', 'kind', 'key', 'hourly_price', 'monthly_price',
                 'effective_from')
KIND_ARG = base.args('kind', choices=prices.KINDS)
KEY_ARG = base.args('key', nargs='?', default=None,
                    help='Flavor id (flavor) or volume type id (volume).')


class PriceCommands(_Commands):
    description = 'The rate card.'

    @base.FORMAT_ARG
    def list(self, format):
        """The price in force for every key."""
        rows = [self._price_row(key, version)
                for kind in prices.KINDS
                for key, version in prices.list_prices(self.context, kind,
                                                       _now())]
        base.output(format, PRICE_COLUMNS, rows)

    @KIND_ARG
    @KEY_ARG
    @base.args('--hourly', required=True, help='Hourly price.')
    @base.args('--monthly', default=None, help='Monthly price (cap).')
    @base.args('--effective-from', default=None,
               help='When the price applies (default: now).')
    def set(self, kind, key, hourly, monthly, effective_from):
        """Add a price version (creating the key if needed)."""
        try:
            key_id = prices.set_price(
                self.context, kind, key, hourly, monthly,
                base.parse_time(effective_from) if effective_from else None,
                _now())
        except (exception.Invalid, exception.Duplicate) as error:
            raise base.CommandError(str(error) or 'Price exists.')
        print('Price %d set' % key_id)

    @KIND_ARG
    @KEY_ARG
    @base.FORMAT_ARG
    def history(self, kind, key, format):
        """All versions of a key."""
        row = db_ratecard.find_key(self.context, kind, key or '')
        if row is None:
            raise base.CommandError('No price for %s %s' % (kind, key or ''))
        _key, versions = db_ratecard.key_with_versions(self.context, kind,
                                                       row.id)
        base.output(format, PRICE_COLUMNS + ('ended',),
                    [self._price_row(row, version) for version in versions])


class SettingCommands(_Commands):
    description = 'Operator settings.'

    def list(self):
        """Every setting and its value."""
        base.print_table(('setting', 'value'), [
            {'setting': name, 'value': value} for name, value in
            settings.all_settings(self.context).items()])

    @base.args('key')
    def get(self, key):
        """One setting's value."""
        try:
            print(settings.get_setting(self.context, key))
        except exception.NotFound:
            raise base.CommandError('Unknown setting %s' % key)

    @base.args('key')
    @base.args('value')
    def set(self, key, value):
        """Set one setting (typed; billing_enabled is read-only)."""
        try:
            settings.set_setting(self.context, key,
                                 settings.parse_text(key, value))
        except exception.Invalid as error:
            raise base.CommandError(str(error))


class BillingCommands(_Commands):
    description = 'Billing windows.'

    @base.args('--start-date', default=None,
               help='Start of the window (default: now).')
    def enable(self, start_date):
        """Open a billing window (nothing changes if one is open).

        Only the window: invoices are opened and closed by the hourly
        invoice-rollover, so enabling while a window is open changes
        nothing (PRODUCT.md §2.9)."""
        window = db_settings.open_window(self.context, _now(start_date))
        print('Billing enabled since %s' % base.format_time(window.start))

    def disable(self):
        """Close the billing window now."""
        db_settings.close_window(self.context, _now())
        print('Billing disabled')


# Tables name the states; JSON keeps the API contract's codes.
STATE_NAMES = {db_invoices.IN_PROGRESS: 'in_progress',
               db_invoices.UNPAID: 'unpaid',
               db_invoices.FINISHED: 'finished'}


class InvoiceCommands(_Commands):
    description = 'Invoices.'

    @base.args('--project-id', default=None)
    @base.FORMAT_ARG
    def list(self, project_id, format):
        """Invoices, newest first."""
        rows = [{'id': invoice.id, 'project_id': invoice.project_id,
                 'period_start': base.format_time(invoice.period_start),
                 'state': (invoice.state if format == 'json' else
                           STATE_NAMES.get(invoice.state, invoice.state)),
                 'total': formats.money_text(invoice.total,
                                           self.policy.currency)}
                for invoice in db_invoices.list_invoices(self.context,
                                                         project_id)]
        base.output(format, ('id', 'project_id', 'period_start', 'state',
                             'total'), rows)

    @base.args('invoice_id', type=int, metavar='ID')
    @base.FORMAT_ARG
    def show(self, invoice_id, format):
        """One invoice; JSON is the dashboard's full invoice object."""
        invoice = db_invoices.get_invoice(self.context, invoice_id)
        if invoice is None:
            raise base.CommandError('No invoice %d' % invoice_id)
        lines, ids = invoicing.invoice_lines(self.context, invoice,
                                             self.policy, _now())
        body = views.full_invoice(invoice, lines, ids, None,
                                  self.policy.currency)
        if format == 'json':
            base.print_json(body)
            return
        base.print_table(('resource_type', 'resource_id', 'start', 'end',
                          'charge', 'adjustment'), [
            {'resource_type': line.interval.resource_type,
             'resource_id': line.interval.resource_id,
             'start': base.format_time(line.start),
             'end': base.format_time(line.adjusted_end),
             'charge': formats.money_text(line.charge, self.policy.currency),
             'adjustment': line.adjustment} for line in lines])
        print('subtotal %s tax %s total %s' % (
            body['subtotal'], body['tax'], body['total']))

    @base.args('--now', default=None,
               help='Run as if it were this moment (default: now).')
    @base.args('--dry-run', action='store_true',
               help='Print what would be done; call nothing, record '
                    'nothing.')
    def unpaid_actions(self, now, dry_run):
        """Run the configured unpaid-invoice steps (cron: daily)."""
        cloud.unpaid_actions(self.conf, self.context, _now(now), dry_run)


class RolloverCommand(_Commands):
    description = 'Close every ended period and open the next (hourly).'

    @base.args('--now', default=None,
               help='Run as if it were this moment (default: now).')
    def __call__(self, now):
        summary = rollover.run(self.context, self.conf, _now(now))
        if not summary.ran:
            print('Another invoice-rollover holds the lock; nothing done.')
            return
        print('Issued %d invoices, opened %d, %d unpriced segments' % (
            summary.issued, summary.opened, summary.unpriced_segments))


class LiveTotalsCommands(_Commands):
    description = ('The stored running totals of the open invoices '
                   '(overviews, /metrics).')

    @base.args('--now', default=None,
               help='Refresh as if it were this moment (default: now).')
    def refresh(self, now):
        """Bring the live totals up to now, out of band: what the
        monitor's timer does every [live_totals] refresh_interval
        seconds (a rebuild after a price or window change included)."""
        done = overview.refresh(self.context, self.policy, _now(now))
        print({'all': 'Live totals rebuilt.',
               'some': 'Live totals refreshed.',
               None: 'Live totals already current.'}[done])
