"""The [database] group: oslo.db's options with Rintik's defaults."""

from oslo_db import options as db_options

# oslo.config substitutes $state_path when the option is read, so the
# default follows an operator's [DEFAULT] state_path.
DEFAULT_CONNECTION = 'sqlite:///$state_path/rintik.sqlite'


def register_opts(conf):
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION)


def list_opts():
    return {'database': db_options.database_opts}
