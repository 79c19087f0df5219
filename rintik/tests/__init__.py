"""Rintik's tests run on oslo.service's threading backend, as the
services do."""

from rintik import backend

backend.use_threading()
