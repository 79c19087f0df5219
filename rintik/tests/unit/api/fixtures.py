"""Fixtures of the API tests, for gabbi YAML files and Python tests.

``APIFixture`` gives a fresh configuration (auth_strategy keystone), an
empty database built by migrations and three Keystone tokens, validated
by keystonemiddleware through its AuthTokenFixture:

- ``admin-token``: role admin in project ``admin-project``;
- ``member-a-token``: roles member and reader in ``project-a``;
- ``reader-b-token``: role reader in ``project-b``.

A gabbi file names it under ``fixtures:``; ``setup_app`` is the
intercepted application.
"""

import datetime

import fixtures
from gabbi import fixture as gabbi_fixture
from keystonemiddleware import auth_token
from keystonemiddleware import fixture as auth_fixture
import pecan

from rintik.api import app
from rintik.api.controllers import base
from rintik.api.controllers import v1
from rintik.api import utils
from rintik.common import policy
from rintik import conf
from rintik import exception
from rintik.tests import fixtures as rintik_fixtures

CONF = conf.CONF

ADMIN_TOKEN = 'admin-token'
MEMBER_A_TOKEN = 'member-a-token'
READER_B_TOKEN = 'reader-b-token'
ADMIN_PROJECT = 'admin-project'
PROJECT_A = 'project-a'
PROJECT_B = 'project-b'

TOKENS = (
    (ADMIN_TOKEN, 'admin-user', ADMIN_PROJECT, ['admin']),
    (MEMBER_A_TOKEN, 'member-a-user', PROJECT_A, ['member', 'reader']),
    (READER_B_TOKEN, 'reader-b-user', PROJECT_B, ['reader']),
)


def setup_app():
    """The application under test. gabbi asks for it while loading the
    tests, before any fixture has configured anything, so the real
    application is built from CONF at each request."""

    def application(environ, start_response):
        return app.setup_app(CONF)(environ, start_response)

    return application


class ApiEnvironment(fixtures.Fixture):
    """Configuration, database, tokens and policy for one test (or one
    gabbi file)."""

    def _setUp(self):
        config = self.useFixture(rintik_fixtures.ConfFixture(CONF)).config
        config.config(group='api', auth_strategy='keystone')
        for group, opts in auth_token.list_opts():
            config.register_opts(opts, group=group)
        config.config(group='keystone_authtoken',
                      www_authenticate_uri='http://keystone.test/identity')
        self.useFixture(rintik_fixtures.SQLiteDatabase())
        tokens = self.useFixture(auth_fixture.AuthTokenFixture())
        for token_id, user_id, project_id, roles in TOKENS:
            tokens.add_token_data(token_id=token_id, user_id=user_id,
                                  project_id=project_id, role_list=roles)
        policy.reset()
        self.addCleanup(policy.reset)


class EchoController(base.Controller):
    """Test only, mounted at /api/echo/ by EchoFixture: exercises the
    controller helpers the way resource controllers use them."""

    SCHEMA = {
        'type': 'object',
        'properties': {'amount': {'type': ['number', 'string']},
                       'name': {'type': 'string'}},
        'required': ['amount'],
        'additionalProperties': False,
    }
    SEEN_AT = datetime.datetime(2026, 11, 25, 9, 10, 50, 903005,
                                tzinfo=datetime.timezone.utc)

    _custom_actions = {'touch': ['GET', 'POST']}

    @pecan.expose('json')
    def get_all(self):
        query = pecan.request.GET
        limit, marker = utils.pagination(query.get('limit'),
                                         query.get('marker'))
        return {'project_id': utils.project_scope(query.get('tenant_id')),
                'limit': limit, 'marker': marker}

    @pecan.expose('json')
    def get_one(self, echo_id):
        if echo_id == 'missing':
            raise exception.NotFound()
        return {'id': echo_id, 'seen_at': self.SEEN_AT}

    @pecan.expose('json')
    def touch(self, echo_id):
        return {'touched': echo_id}

    @pecan.expose('json')
    def post(self):
        pecan.response.status = 201
        return utils.request_body(self.SCHEMA)

    @pecan.expose('json')
    def delete(self, echo_id):
        raise RuntimeError('secret=%s' % echo_id)


class _Gabbi(gabbi_fixture.GabbiFixture):
    """Runs the fixtures.Fixture of make_fixture() around one gabbi
    file."""

    def make_fixture(self):
        raise NotImplementedError()

    def start_fixture(self):
        self.fixture = self.make_fixture()
        self.fixture.setUp()

    def stop_fixture(self):
        self.fixture.cleanUp()


class APIFixture(_Gabbi):

    def make_fixture(self):
        return ApiEnvironment()


class EchoFixture(_Gabbi):
    """Mounts EchoController at /api/echo/."""

    def make_fixture(self):
        return fixtures.MockPatchObject(v1.ApiController, 'echo',
                                        EchoController(), create=True)
