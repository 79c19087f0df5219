"""Console entry points. Selects oslo.service's threading backend once,
before anything imports oslo.service: Rintik never uses eventlet (which
libraries still import when it is installed; its warning is noise)."""

import warnings

from oslo_service import backend

warnings.filterwarnings('ignore', message='\\s*Eventlet is deprecated')
backend.init_backend(backend.BackendType.THREADING)
