"""The [billing] group: how usage is rated and invoiced."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'billing',
    title='Rating and invoicing options',
    help='How metered usage becomes charges and monthly invoices.')

OPTS = [
    cfg.StrOpt(
        'currency',
        default='USD',
        regex='^[A-Z]{3}$',
        help='The deployment currency (ISO 4217 code). Every price and '
             'balance is in this currency; money input in another currency '
             'is rejected. Amounts are rounded to its minor unit.'),
    cfg.StrOpt(
        'timezone',
        default='UTC',
        help='IANA time zone in which invoice periods (calendar months) '
             'start and end, for example "Asia/Jakarta".'),
    cfg.StrOpt(
        'charge_unit',
        default='second',
        choices=[('second', 'charge every started second'),
                 ('minute', 'round each segment up to whole minutes'),
                 ('hour', 'round each segment up to whole hours (the '
                          'per-started-hour rule of older systems)')],
        help='Unit each invoice segment\'s duration is rounded up to before '
             'it is charged.'),
    cfg.StrOpt(
        'monthly_price_mode',
        default='cap',
        choices=[('cap', 'a group never costs more than its monthly price '
                         'times its quantity'),
                 ('full_month', 'a group billable for the whole period '
                                'costs exactly its monthly price; other '
                                'groups are charged hourly')],
        help='How a monthly price applies.'),
    cfg.IntOpt(
        'close_delay',
        default=0,
        min=0,
        help='Seconds after a period ends before invoice-rollover closes '
             'it, to let late notifications arrive.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
