"""The API's error responses, shaped as the dashboard contract says."""

import json

import webob

NOT_FOUND = 'Not found.'
INTERNAL_ERROR = 'Internal error'


class ApiError(Exception):
    """An error a controller raises; ErrorHook turns it into a response."""

    status = 500

    def __init__(self, body):
        super().__init__(body)
        self.body = body


class BadRequest(ApiError):
    """400 for a body that cannot be read at all (not JSON, too large)."""

    status = 400

    def __init__(self, message):
        super().__init__({'message': message})


class InvalidFields(ApiError):
    """400 naming the fields at fault: ``{field: [message, ...]}``."""

    status = 400


class _Detailed(ApiError):
    """An error whose body is ``{"detail": ...}``."""

    def __init__(self, detail):
        super().__init__({'detail': detail})


class Forbidden(_Detailed):
    status = 403


class NotFound(ApiError):
    status = 404

    def __init__(self):
        super().__init__({'detail': NOT_FOUND})


class Conflict(_Detailed):
    """409, for state conflicts only."""

    status = 409


def json_response(status, body, headerlist=()):
    """A JSON response with ``body`` and any extra headers."""
    response = webob.Response(status=status, headerlist=list(headerlist))
    response.content_type = 'application/json'
    response.charset = 'utf-8'
    response.text = json.dumps(body)
    return response
