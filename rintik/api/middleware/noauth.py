"""Development-only authentication: trust the identity headers."""

from oslo_log import log

LOG = log.getLogger(__name__)


class NoAuth:
    """The caller is whoever X-Project-Id, X-User-Id and X-Roles say; no
    X-Roles means admin."""

    def __init__(self, application):
        self.application = application
        LOG.warning('[api] auth_strategy is noauth: requests are not '
                    'authenticated and any caller can act as admin. Never '
                    'use this outside development.')

    def __call__(self, environ, start_response):
        environ.setdefault('HTTP_X_ROLES', 'admin')
        environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
        return self.application(environ, start_response)
