"""Process start-up shared by every Rintik command."""

from oslo_log import log

from rintik import conf
from rintik import version

CONF = conf.CONF


def prepare_service(argv, conf_object=CONF, **kwargs):
    """Register logging options, parse the command line and config files
    (project ``rintik``) and set up logging."""
    log.register_options(conf_object)
    log.set_defaults(default_log_levels=log.get_default_log_levels() + [
        'alembic=WARN', 'stevedore=INFO', 'cotyledon=INFO'])
    conf_object(argv[1:], project='rintik',
                version=version.version_info.version_string(), **kwargs)
    log.setup(conf_object, 'rintik')
    return conf_object
