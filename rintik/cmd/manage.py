"""rintik-manage: the operator's and cron's command line (CLI.md)."""

import sys

from oslo_config import cfg
from oslo_log import log

from rintik import conf
from rintik.db import engine
from rintik.manage import base
from rintik.manage import registry
from rintik import service

CONF = conf.CONF
LOG = log.getLogger(__name__)

category_opt = cfg.SubCommandOpt('category', title='Command categories',
                                 help='Available categories',
                                 handler=registry.add_command_parsers)


def main():
    CONF.register_cli_opt(category_opt)
    try:
        service.prepare_service(sys.argv)
    except cfg.Error as error:
        sys.stderr.write('%s\n' % error)
        return base.EXIT_HANDLED_ERROR
    engine.configure_or_exit(CONF)
    try:
        registry.call(CONF, CONF.category)
    except base.CommandError as error:
        sys.stderr.write('%s\n' % error)
        return base.EXIT_HANDLED_ERROR
    except Exception as error:
        LOG.exception('Unexpected error')
        sys.stderr.write('Unexpected error: %s\n' % type(error).__name__)
        return base.EXIT_UNEXPECTED
    return base.EXIT_OK
