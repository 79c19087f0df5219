"""The [coordination] group: locks shared by Rintik's hosts."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'coordination',
    title='Coordination options',
    help='Distributed locks (tooz) that keep periodic jobs such as '
         'invoice-rollover to one host at a time.')

OPTS = [
    cfg.StrOpt(
        'backend_url',
        secret=True,
        help='tooz coordination backend URL, for example '
             '"mysql://rintik:secret@db.example.com/rintik" or '
             '"postgresql://rintik:secret@db.example.com/rintik" (database '
             'advisory locks, held for as long as the job runs and freed '
             'when its host dies) or "file:///var/lib/rintik/locks" (one '
             'host only). When unset, Rintik derives it from [database] '
             'connection: the same MariaDB/MySQL or PostgreSQL server, or, '
             'on SQLite (a single-host deployment), file locks under '
             '$state_path/locks.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
