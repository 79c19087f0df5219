"""The WSGI application: the pecan app and its middleware, built in
code."""

import functools

from keystonemiddleware import auth_token
import oslo_middleware
import pecan
from pecan import util as pecan_util

from rintik.api.controllers import root
from rintik.api import healthcheck
from rintik.api import hooks
from rintik.api.middleware import body_limit
from rintik.api.middleware import json_errors
from rintik.api.middleware import noauth
from rintik.api.middleware import public_routes
from rintik.api import renderers


def memoise_argspecs():
    """pecan reads its controllers' argument specs about a dozen times
    per request, and each read builds a namedtuple class (an ``eval``):
    a third of a small request's CPU. The spec of a function never
    changes, so pecan.util's reader keeps them (once per process)."""
    if not hasattr(pecan_util._getargspec, 'cache_info'):
        pecan_util._getargspec = functools.lru_cache(maxsize=4096)(
            pecan_util._getargspec)


def _pecan_app():
    memoise_argspecs()
    return pecan.make_app(
        root.RootController(),
        hooks=[hooks.ContextHook(), hooks.ErrorHook()],
        custom_renderers={'json': renderers.JsonRenderer},
        default_renderer='json',
        force_canonical=False,
        guess_content_type_from_ext=False)


def _authenticated(application, conf):
    if conf.api.auth_strategy == 'noauth':
        return noauth.NoAuth(application)
    protected = auth_token.AuthProtocol(application,
                                        {'oslo_config_config': conf})
    return public_routes.PublicRoutes(application, protected,
                                      root.PUBLIC_PATHS)


def setup_app(conf):
    """The API application configured by ``conf`` (already parsed).

    From the outside in: request id, CORS, proxy headers, /healthcheck
    (unauthenticated), JSON errors, body size limit, authentication, then
    pecan.
    """
    application = _authenticated(_pecan_app(), conf)
    application = body_limit.BodySizeLimit(application,
                                           conf.api.max_request_body_size)
    application = json_errors.JsonErrors(application)
    application = healthcheck.HealthcheckRoute(application, conf)
    application = oslo_middleware.HTTPProxyToWSGI(application, conf)
    application = oslo_middleware.CORS(application, conf)
    return oslo_middleware.RequestId(application)
