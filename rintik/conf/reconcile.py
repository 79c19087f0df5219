"""The [reconcile] group: comparing what Rintik bills with what exists in
OpenStack and repairing the difference (``rintik-manage reconcile`` and
the monitor's periodic run)."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'reconcile',
    title='Reconciliation',
    help='Reconciliation lists servers, volumes, snapshots, floating IPs, '
         'routers and images of every project with the [openstack] '
         'credentials and repairs what lost notifications left wrong: a '
         'billed resource that no longer exists ends at its latest '
         'observation, a running resource Rintik never saw starts at its '
         'creation time, and a changed flavor, size or type starts a new '
         'interval at the time of the check. Repairs are stored as '
         'observations with the source "reconcile".')

OPTS = [
    cfg.IntOpt(
        'interval',
        default=0,
        min=0,
        help='Seconds between two periodic reconciliations run by the '
             'monitor. Runs never overlap (one worker of one host at a '
             'time), and a worker skips its turn when a run completed less '
             'than half an interval ago, so there are one or two runs per '
             'interval whatever the number of workers. 0 turns the '
             'periodic run off; "rintik-manage reconcile" still works.'),
    cfg.IntOpt(
        'grace',
        default=3600,
        min=0,
        help='Seconds during which a resource with a recent observation is '
             'left alone: notifications still waiting in the queue are '
             'never overtaken by a repair. A resource whose newest '
             'observation is younger than this is neither ended, started '
             'nor changed.'),
    cfg.FloatOpt(
        'max_end_fraction',
        default=0.1,
        min=0.0,
        max=1.0,
        help='Largest share of a project\'s running resources one run may '
             'end. A run that would end more repairs nothing in that '
             'project and reports it instead, because a listing that lost '
             'most of a project is more likely an API problem than a mass '
             'deletion. 1.0 turns the guard off.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
