"""The [live_totals] group: keeping the stored running totals of the open
invoices (what the overviews and /metrics read) current."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'live_totals',
    title='Live totals',
    help='The overviews and /metrics read the running cost and resources '
         'of the open invoices from stored totals and never rate on a '
         'request. Each rintik-monitor worker refreshes them on a timer, '
         'with work bounded by what changed since the previous refresh '
         '(usage, prices, billing windows, invoices opened or closed); a '
         'price or window change rebuilds them there, out of band.')

OPTS = [
    cfg.FloatOpt(
        'refresh_interval',
        default=1.0,
        min=0,
        help='Seconds between two refreshes of the live totals by each '
             'rintik-monitor worker; refreshes take turns, and one that '
             'finds nothing changed costs one query. A usage change shows '
             'in the overviews within about this time plus the refresh\'s '
             'own duration. 0 turns the timer off: then run '
             '"rintik-manage live-totals refresh" (cron), or the overviews '
             'stay at the figures of the last refresh.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
