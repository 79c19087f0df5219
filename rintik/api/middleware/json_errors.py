"""Every error leaves the API as JSON in the contract's shape."""

import http
import json

from oslo_log import log
import webob

from rintik.api import errors

LOG = log.getLogger(__name__)

_REPLACED_HEADERS = ('content-type', 'content-length')


class JsonErrors:
    """Replace an error response that is not already in the contract's
    shape (keystonemiddleware's 401, pecan's HTML 404 and 405, ...), and
    turn an unhandled exception into a 500 that leaks nothing.

    A 404 is always ``{"detail": "Not found."}`` and a 5xx always
    ``{"detail": "Internal error"}``; a 400 keeps its JSON object; other
    errors keep a JSON object that has a ``detail``.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        request = webob.Request(environ)
        try:
            response = request.get_response(self.application)
        except Exception:
            LOG.exception('Unhandled error serving %s %s', request.method,
                          request.path)
            response = errors.json_response(
                500, {'detail': errors.INTERNAL_ERROR})
        else:
            if response.status_int >= 400 and not _in_contract(response):
                response = _replacement(response)
        return response(environ, start_response)


def _in_contract(response):
    status = response.status_int
    if status == 404 or status >= 500:
        return False
    if response.content_type != 'application/json':
        return False
    try:
        body = json.loads(response.body)
    except ValueError:
        return False
    return isinstance(body, dict) and (status == 400 or 'detail' in body)


def error_body(status):
    """The contract's body of an error ``status`` that has none of its
    own."""
    if status == 400:
        return {'message': 'Bad request.'}
    if status == 404:
        return {'detail': errors.NOT_FOUND}
    if status >= 500:
        return {'detail': errors.INTERNAL_ERROR}
    return {'detail': _phrase(status)}


def _replacement(response):
    headers = [(name, value) for name, value in response.headerlist
               if name.lower() not in _REPLACED_HEADERS]
    return errors.json_response(response.status_int,
                                error_body(response.status_int), headers)


def _phrase(status):
    try:
        return http.HTTPStatus(status).phrase + '.'
    except ValueError:
        return 'Error.'
