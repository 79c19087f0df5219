"""WSGI entry point for uWSGI, mod_wsgi and gunicorn:
``rintik.wsgi.api:application``.

The configuration files are found as Nova's WSGI application finds its
own: ``$OS_RINTIK_CONFIG_FILES`` (names separated by ``;``, default
``rintik.conf``) in ``$OS_RINTIK_CONFIG_DIR`` (default ``/etc/rintik``);
``$RINTIK_CONFIG_FILES`` (comma separated paths) is still read when the
former is not set. Options may also come from ``OS_<GROUP>__<OPTION>``
environment variables. The application refuses to load, in one line,
when a configuration file is missing or the database schema is not at
head; it waits (logged, with a back-off) for an unreachable database.
"""

import os
import sys

from rintik.api import app
from rintik import conf
from rintik.db import engine
from rintik import service

CONFIG_DIR_ENV = 'OS_RINTIK_CONFIG_DIR'
CONFIG_FILES_ENV = 'OS_RINTIK_CONFIG_FILES'
LEGACY_CONFIG_FILES_ENV = 'RINTIK_CONFIG_FILES'
DEFAULT_CONFIG_DIR = '/etc/rintik'
DEFAULT_CONFIG_FILES = ('rintik.conf',)


class ConfigNotFound(RuntimeError):
    """A configuration file the application should read is missing."""


def config_files(environ=None):
    """The configuration files the environment names, in order."""
    environ = os.environ if environ is None else environ
    legacy = environ.get(LEGACY_CONFIG_FILES_ENV, '').strip()
    if legacy and not environ.get(CONFIG_FILES_ENV, '').strip():
        return [path.strip() for path in legacy.split(',') if path.strip()]
    directory = environ.get(CONFIG_DIR_ENV, '').strip() or DEFAULT_CONFIG_DIR
    names = [name.strip() for name in
             environ.get(CONFIG_FILES_ENV, '').split(';') if name.strip()]
    return [os.path.join(directory, name)
            for name in names or DEFAULT_CONFIG_FILES]


def _existing(files):
    missing = [path for path in files if not os.path.isfile(path)]
    if missing:
        error = ConfigNotFound(
            'Rintik API: configuration file not found: %s (searched %s; '
            'set %s, ";"-separated, and %s)' % (
                ', '.join(missing), ', '.join(files), CONFIG_FILES_ENV,
                CONFIG_DIR_ENV))
        sys.stderr.write('%s\n' % error)
        raise error
    return files


def init_application(environ=None):
    """Parse the configuration, make sure the database serves, and build
    the API application."""
    files = _existing(config_files(environ))
    service.prepare_service([], default_config_files=files)
    engine.configure(conf.CONF)
    service.wait_for_database(conf.CONF)
    return app.setup_app(conf.CONF)


application = init_application()
