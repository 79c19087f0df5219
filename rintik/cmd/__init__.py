"""Console entry points; importing the package selects oslo.service's
threading backend before anything imports oslo.service."""

from rintik import backend

backend.use_threading()
