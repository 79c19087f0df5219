"""Refuse request bodies over [api] max_request_body_size with a 400."""

import io

from rintik.api import errors


class BodySizeLimit:
    """A body larger than ``limit`` bytes gets 400 ``{"message": ...}``
    (the contract's answer, not 413) before the application reads it. A
    chunked body is read up to the limit and handed on buffered."""

    def __init__(self, application, limit):
        self.application = application
        self.limit = limit

    def __call__(self, environ, start_response):
        length = environ.get('CONTENT_LENGTH')
        if length:
            if not (length.isascii() and length.isdigit()):
                return self._refuse('Invalid Content-Length.', environ,
                                    start_response)
            too_large = int(length) > self.limit
        elif 'chunked' in environ.get('HTTP_TRANSFER_ENCODING', '').lower():
            body = environ['wsgi.input'].read(self.limit + 1)
            too_large = len(body) > self.limit
            environ['wsgi.input'] = io.BytesIO(body)
            environ['CONTENT_LENGTH'] = str(len(body))
        else:
            too_large = False
        if too_large:
            return self._refuse(
                'The request body is larger than %d bytes.' % self.limit,
                environ, start_response)
        return self.application(environ, start_response)

    @staticmethod
    def _refuse(message, environ, start_response):
        response = errors.json_response(400, {'message': message})
        return response(environ, start_response)
