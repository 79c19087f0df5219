"""WSGI entry point for uWSGI, mod_wsgi and gunicorn:
``rintik.wsgi.api:application``.

The configuration files are oslo.config's default ones
(/etc/rintik/rintik.conf, ...) unless RINTIK_CONFIG_FILES names them,
comma separated; options may also come from OS_<GROUP>__<OPTION>
environment variables.
"""

import os

from rintik.api import app
from rintik import conf
from rintik.db import engine
from rintik import service

CONFIG_FILES_ENV = 'RINTIK_CONFIG_FILES'


def _config_files():
    files = os.environ.get(CONFIG_FILES_ENV)
    return files.split(',') if files else None


def init_application():
    """Parse the configuration and build the API application."""
    service.prepare_service([], default_config_files=_config_files())
    engine.configure(conf.CONF)
    return app.setup_app(conf.CONF)


application = init_application()
