"""Options of the [DEFAULT] group."""

from oslo_config import cfg

state_path_opt = cfg.StrOpt(
    'state_path',
    default='/var/lib/rintik',
    help='Top-level directory where Rintik keeps its state. The default '
         'SQLite database lives here when [database] connection is not '
         'set.')

OPTS = [state_path_opt]


def register_opts(conf):
    conf.register_opts(OPTS)


def list_opts():
    return {'DEFAULT': OPTS}
