"""Rintik's tests run on oslo.service's threading backend, as the
services do."""

from oslo_service import backend

backend.init_backend(backend.BackendType.THREADING)
