"""oslo.service's threading backend, selected before anything imports
oslo.service (oslo.messaging does, through rintik.conf): Rintik never
uses eventlet, which libraries still import when it is installed, and its
deprecation warning is noise. Every entry point (``rintik.cmd``,
``rintik.wsgi``) calls ``use_threading()`` in its package's
``__init__``."""

import warnings

from oslo_service import backend


def use_threading():
    """Select the threading backend (idempotent)."""
    warnings.filterwarnings('ignore', message='\\s*Eventlet is deprecated')
    backend.init_backend(backend.BackendType.THREADING)
