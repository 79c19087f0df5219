"""The [database] group: oslo.db's options with Rintik's defaults."""

from oslo_config import cfg
from oslo_db import options as db_options

# oslo.config substitutes $state_path when the option is read, so the
# default follows an operator's [DEFAULT] state_path.
DEFAULT_CONNECTION = 'sqlite:///$state_path/rintik.sqlite'


def register_opts(conf):
    # Set on the option itself, so the generated sample shows it too.
    cfg.set_defaults(db_options.database_opts,
                     connection=DEFAULT_CONNECTION)
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION)


def list_opts():
    # The options are oslo.db's: its own namespace documents them in the
    # sample (with the default set above).
    return {}
