"""Console entry points. Selects oslo.service's threading backend once,
before anything imports oslo.service: Rintik never uses eventlet."""

from oslo_service import backend

backend.init_backend(backend.BackendType.THREADING)
