"""rintik-manage: the operator's and cron's command line (CLI.md)."""

import contextlib
import io
import sys

from oslo_config import cfg
from oslo_log import log

from rintik import conf
from rintik.db import engine
from rintik.db import readiness
from rintik.manage import base
from rintik.manage import registry
from rintik import service

CONF = conf.CONF
LOG = log.getLogger(__name__)

category_opt = cfg.SubCommandOpt('category', title='Command categories',
                                 help='Available categories',
                                 handler=registry.add_command_parsers)


def _parse(argv):
    """Parse the command line; a usage error is argparse's one error line
    on stderr (without the usage) and exit status 1 (CLI.md), not 2."""
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            service.prepare_service(argv)
    except SystemExit as error:
        if error.code in (None, 0):
            raise
        lines = captured.getvalue().strip().splitlines()
        sys.stderr.write('%s\n' % (lines[-1] if lines else error.code))
        raise SystemExit(base.EXIT_HANDLED_ERROR)
    sys.stderr.write(captured.getvalue())


def main():
    CONF.register_cli_opt(category_opt)
    try:
        _parse(sys.argv)
    except cfg.Error as error:
        sys.stderr.write('%s\n' % error)
        return base.EXIT_HANDLED_ERROR
    engine.configure_or_exit(CONF)
    try:
        if not registry.works_without_schema(CONF.category):
            readiness.check(CONF)
        registry.call(CONF, CONF.category)
    except (base.CommandError, readiness.NotReady) as error:
        sys.stderr.write('%s\n' % error)
        return base.EXIT_HANDLED_ERROR
    except Exception as error:
        LOG.exception('Unexpected error')
        sys.stderr.write('Unexpected error: %s\n' % type(error).__name__)
        return base.EXIT_UNEXPECTED
    return base.EXIT_OK
