"""The [unpaid_invoice] group: the steps ``rintik-manage invoice
unpaid-actions`` takes while an invoice stays unpaid."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'unpaid_invoice',
    title='Unpaid-invoice actions',
    help='Steps taken for every unpaid invoice once it has been unpaid '
         'for a number of days after the end of its period. Each step '
         'runs at most once per invoice, even if the invoice is paid and '
         'rolled back to unpaid; a run after missed days takes every step '
         'that is due. Paying the invoice stops further steps.')

ACTIONS = ('send_message', 'stop_instances', 'suspend_instances',
           'shelve_instances', 'delete_resources')

OPTS = [
    cfg.MultiStrOpt(
        'step',
        default=[],
        help='One step per line: "DAYS ACTION MESSAGE". DAYS is how many '
             'whole days after the invoice\'s period end the step is due; '
             'ACTION is one of %s; MESSAGE (the rest of the line, '
             'optional) is the text of the notification and e-mail the '
             'project gets when the step is taken. Every step notifies the '
             'project. A step is known by "DAYS:ACTION": changing either '
             'makes it a new step that runs again for invoices that already '
             'took the old one. Example: step = 7 send_message Your invoice '
             'is 7 days overdue.' % ', '.join(ACTIONS)),
    cfg.BoolOpt(
        'restore_on_payment',
        default=False,
        help='When an invoice whose steps stopped, suspended or shelved '
             'instances is paid, start, resume or unshelve exactly those '
             'instances at the next run, unless another unpaid invoice of '
             'the project has taken such a step too.'),
    cfg.BoolOpt(
        'allow_delete',
        default=False,
        help='Allow the delete_resources action. It deletes, in this '
             'order, the project\'s floating IPs, router interfaces and '
             'routers, servers, volume snapshots, volumes and images, and '
             'cannot be undone. While false, a delete_resources step is '
             'refused (and not recorded as taken).'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
