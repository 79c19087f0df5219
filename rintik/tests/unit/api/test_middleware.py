"""The API's own middleware, each around a stub application."""

import io

import webob
from webob import exc

from rintik.api.middleware import body_limit
from rintik.api.middleware import json_errors
from rintik.api.middleware import noauth
from rintik.api.middleware import public_routes
from rintik.tests import base


def _echo_body(environ, start_response):
    body = webob.Request(environ).body
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [body]


class BodySizeLimitTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.application = body_limit.BodySizeLimit(_echo_body, 10)

    def _post(self, body, **environ):
        request = webob.Request.blank('/', method='POST', body=body)
        request.environ.update(environ)
        return request.get_response(self.application)

    def test_within_the_limit(self):
        response = self._post(b'x' * 10)
        self.assertEqual(200, response.status_int)
        self.assertEqual(b'x' * 10, response.body)

    def test_over_the_limit_is_400(self):
        response = self._post(b'x' * 11)
        self.assertEqual(400, response.status_int)
        self.assertEqual('application/json', response.content_type)
        self.assertEqual(
            {'message': 'The request body is larger than 10 bytes.'},
            response.json)

    def test_invalid_content_length(self):
        response = self._post(b'x', CONTENT_LENGTH='-1')
        self.assertEqual(400, response.status_int)
        self.assertEqual({'message': 'Invalid Content-Length.'},
                         response.json)

    def _chunked(self, body):
        return self._post(b'', CONTENT_LENGTH='',
                          HTTP_TRANSFER_ENCODING='chunked',
                          **{'wsgi.input': io.BytesIO(body)})

    def test_chunked_within_the_limit(self):
        response = self._chunked(b'y' * 10)
        self.assertEqual(b'y' * 10, response.body)

    def test_chunked_over_the_limit(self):
        self.assertEqual(400, self._chunked(b'y' * 11).status_int)


def _failing_with(error):
    def application(environ, start_response):
        raise error
    return application


def _answering(response):
    def application(environ, start_response):
        return response(environ, start_response)
    return application


class JsonErrorsTestCase(base.TestCase):

    def _get(self, application):
        return webob.Request.blank('/').get_response(
            json_errors.JsonErrors(application))

    def test_html_errors_become_json(self):
        cases = [
            (exc.HTTPNotFound(), {'detail': 'Not found.'}),
            (exc.HTTPMethodNotAllowed(), {'detail': 'Method Not Allowed.'}),
            (exc.HTTPUnauthorized(), {'detail': 'Unauthorized.'}),
            (exc.HTTPBadRequest(), {'message': 'Bad request.'}),
            (exc.HTTPServiceUnavailable(), {'detail': 'Internal error'}),
        ]
        for error, body in cases:
            with self.subTest(status=error.status):
                response = self._get(_answering(error))
                self.assertEqual(error.status_int, response.status_int)
                self.assertEqual('application/json', response.content_type)
                self.assertEqual(body, response.json)

    def test_contract_bodies_are_kept(self):
        cases = [
            (400, {'amount': ['This field is required.']}),
            (400, {'message': 'The request body is not valid JSON.'}),
            (403, {'detail': 'You may only act on your own project.'}),
            (409, {'detail': 'The balance does not cover the total.'}),
        ]
        for status, body in cases:
            with self.subTest(status=status, body=body):
                response = self._get(_answering(
                    webob.Response(status=status, json_body=body)))
                self.assertEqual(body, response.json)

    def test_other_json_is_replaced(self):
        keystone_401 = webob.Response(
            status=401, json_body={'error': {'code': 401}},
            headerlist=[('WWW-Authenticate', 'Keystone uri="k"')])
        response = self._get(_answering(keystone_401))
        self.assertEqual({'detail': 'Unauthorized.'}, response.json)
        self.assertEqual('Keystone uri="k"',
                         response.headers['WWW-Authenticate'])

    def test_404_and_500_bodies_are_fixed(self):
        for status in (404, 500):
            with self.subTest(status=status):
                response = self._get(_answering(webob.Response(
                    status=status, json_body={'detail': 'secret'})))
                self.assertNotIn('secret', response.text)

    def test_an_exception_is_a_bare_500(self):
        response = self._get(_failing_with(RuntimeError('password=x')))
        self.assertEqual(500, response.status_int)
        self.assertEqual({'detail': 'Internal error'}, response.json)

    def test_success_is_untouched(self):
        response = self._get(_answering(webob.Response(body=b'<p>ok</p>')))
        self.assertEqual(b'<p>ok</p>', response.body)


def _environ_of(environ, start_response):
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [webob.Response(json_body={
        'roles': environ.get('HTTP_X_ROLES'),
        'via': environ.get('rintik.test.via', 'application'),
    }).body]


class NoAuthTestCase(base.TestCase):

    def _roles(self, **headers):
        application = noauth.NoAuth(_environ_of)
        return webob.Request.blank('/', headers=headers).get_response(
            application).json['roles']

    def test_no_roles_is_admin(self):
        self.assertEqual('admin', self._roles())

    def test_given_roles_are_kept(self):
        self.assertEqual('reader', self._roles(**{'X-Roles': 'reader'}))

    def test_warns_at_start_up(self):
        with self.assertLogs('rintik.api.middleware.noauth', 'WARNING'):
            noauth.NoAuth(_environ_of)


class PublicRoutesTestCase(base.TestCase):

    def _via(self, path):
        def protected(environ, start_response):
            environ['rintik.test.via'] = 'protected'
            return _environ_of(environ, start_response)

        application = public_routes.PublicRoutes(
            _environ_of, protected, ('/', '/healthcheck'))
        return webob.Request.blank(path).get_response(
            application).json['via']

    def test_public_paths(self):
        for path in ('/', '/healthcheck', '/healthcheck/'):
            with self.subTest(path=path):
                self.assertEqual('application', self._via(path))

    def test_other_paths_are_protected(self):
        for path in ('/metrics', '/api/', '/healthcheck/x', '/healthchecks'):
            with self.subTest(path=path):
                self.assertEqual('protected', self._via(path))
