"""The [healthcheck] group: oslo.middleware's health check of
``/healthcheck``, with Rintik's defaults, and its database probe."""

from oslo_config import cfg
from oslo_middleware.healthcheck import opts as healthcheck_opts

GROUP = 'healthcheck'
DATABASE_BACKEND = 'rintik_database'
DISABLE_BY_FILE_BACKEND = 'disable_by_file'
# oslo.config substitutes $state_path when the option is read.
DEFAULT_DISABLE_FILE = '$state_path/healthcheck_disable'

OPTS = [
    cfg.FloatOpt(
        'database_timeout',
        default=2.0,
        min=0.1,
        help='Seconds the rintik_database health check backend waits for '
             'the database to answer SELECT 1. When it does not answer in '
             'time, or answers with an error, /healthcheck answers 503 '
             'with the reason DATABASE UNAVAILABLE and no other detail.'),
]


def _oslo_opts():
    return healthcheck_opts.HEALTHCHECK_OPTS + \
        healthcheck_opts.DISABLE_BY_FILE_OPTS


def register_opts(conf):
    # Set on oslo.middleware's options themselves, so that the generated
    # sample shows Rintik's defaults: the database probe, and draining
    # by creating $state_path/healthcheck_disable.
    cfg.set_defaults(healthcheck_opts.HEALTHCHECK_OPTS,
                     backends=[DATABASE_BACKEND, DISABLE_BY_FILE_BACKEND])
    cfg.set_defaults(healthcheck_opts.DISABLE_BY_FILE_OPTS,
                     disable_by_file_path=DEFAULT_DISABLE_FILE)
    conf.register_opts(_oslo_opts() + OPTS, group=GROUP)


def list_opts():
    return {GROUP: _oslo_opts() + OPTS}
