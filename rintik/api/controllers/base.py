"""The base of every controller."""

import pecan
from pecan import rest
from webob import exc


class Controller(rest.RestController):
    """A RestController on which a path that names nothing is 404.

    A bare RestController answers 405 for ``/<collection>/<anything>``
    when it has no get_one; a known path with a method it does not
    handle stays 405. An empty segment but the trailing one
    (``/api/invoice//``) names nothing either: pecan would call the
    method without its argument.
    """

    @pecan.expose()
    def _route(self, args, request=None):
        if '' in args[:-1]:
            pecan.abort(404)
        try:
            return super()._route(args, request)
        except exc.HTTPMethodNotAllowed:
            if self._names_nothing(args):
                pecan.abort(404)
            raise

    def _names_nothing(self, args):
        segments = [segment for segment in args if segment]
        if not segments or hasattr(self, 'get_one') or hasattr(self, 'get'):
            return False
        return self._lookup_child(segments[0]) is None
