"""The assembled application: the body limit through the whole chain
(a generated body of 1 MiB, which a gabbi file would have to carry), and
the bind address. noauth is in gabbits/noauth.yaml."""

from pecan import util as pecan_util
import webob

from rintik.api import app
from rintik import conf
from rintik.tests import base
from rintik.tests.unit.api import fixtures

ONE_MIB = 1048576


class BodyLimitTestCase(base.TestCase):
    """The default limit through the whole chain (keystone auth)."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.ApiEnvironment())
        self.useFixture(fixtures.EchoFixture().make_fixture())
        self.application = app.setup_app(self.conf)

    def _post(self, body):
        request = webob.Request.blank(
            '/api/echo/', method='POST', body=body,
            headers={'X-Auth-Token': fixtures.MEMBER_A_TOKEN,
                     'Content-Type': 'application/json'})
        return request.get_response(self.application)

    def test_over_one_mib_is_400(self):
        response = self._post(b' ' * (ONE_MIB + 1))
        self.assertEqual(400, response.status_int)
        self.assertEqual(
            {'message': 'The request body is larger than 1048576 bytes.'},
            response.json)

    def test_one_mib_is_read(self):
        body = b'{"amount": "1"}'
        response = self._post(body + b' ' * (ONE_MIB - len(body)))
        self.assertEqual(201, response.status_int)
        self.assertEqual({'amount': '1'}, response.json)


class BindHostTestCase(base.TestCase):

    def test_keystone_binds_to_host(self):
        self.assertEqual('0.0.0.0', conf.api.bind_host(self.conf))

    def test_noauth_binds_to_loopback_by_default(self):
        self.config(group='api', auth_strategy='noauth')
        self.assertEqual('127.0.0.1', conf.api.bind_host(self.conf))

    def test_noauth_keeps_an_explicit_host(self):
        self.config(group='api', auth_strategy='noauth', host='192.0.2.1')
        self.assertEqual('192.0.2.1', conf.api.bind_host(self.conf))


class ArgspecMemoTest(base.TestCase):

    def test_pecan_reads_each_spec_once(self):
        app.setup_app(conf.CONF)
        reader = pecan_util._getargspec
        before = reader.cache_info()

        def controller(self, name, *rest, **kwargs):
            pass

        spec = pecan_util.getargspec(controller)
        self.assertEqual((['self', 'name'], 'rest', 'kwargs', None),
                         tuple(spec))
        self.assertIs(spec, pecan_util.getargspec(controller))
        after = reader.cache_info()
        self.assertEqual((before.misses + 1, before.hits + 1),
                         (after.misses, after.hits))
        # Building the application again does not wrap it twice.
        app.setup_app(conf.CONF)
        self.assertIs(reader, pecan_util._getargspec)
