"""Fixtures of the API tests, for gabbi YAML files and Python tests.

``APIFixture`` gives a fresh configuration (auth_strategy keystone), an
empty database built by migrations and five Keystone tokens, validated
by keystonemiddleware through its AuthTokenFixture:

- ``admin-token``: role admin in project ``admin-project``;
- ``member-a-token``: roles member and reader in ``project-a``;
- ``reader-a-token``: role reader in ``project-a``;
- ``member-b-token``: roles member and reader in ``project-b``;
- ``reader-b-token``: role reader in ``project-b``.

A gabbi file names it under ``fixtures:``; ``setup_app`` is the
intercepted application. ``IDRFixture`` makes the deployment currency IDR
(as on the dashboard); ``BillingDataFixture`` (after APIFixture) seeds the
billing record described in ``BillingData``. ``NoAuthFixture`` switches
to the development ``noauth`` strategy. ``ClockFixture`` stops the
API's clock at ``CLOCK``; ``CronFixture`` mounts ``CronController``, which
runs the cron jobs a flow needs at that moment, and an SMTP server for
``notification send``.
"""

import datetime
import decimal
import os

import fixtures
from gabbi import fixture as gabbi_fixture
from keystonemiddleware import auth_token
from keystonemiddleware import fixture as auth_fixture
import pecan

from rintik.api import app
from rintik.api.controllers import base
from rintik.api.controllers import v1
from rintik.api import utils
from rintik.common import clock
from rintik.common import policy
from rintik import conf
from rintik import context as rintik_context
from rintik.db import balances
from rintik.db import notifications
from rintik.db import projects as db_projects
from rintik.db import settings as db_settings
from rintik import exception
from rintik.metering import facts
from rintik.metering import ingest
from rintik.notify import outbox
from rintik.rating import invoicing
from rintik.rating import overview
from rintik.rating import prices
from rintik.rating import rollover
from rintik.rating import settings
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests import smtp_server

CONF = conf.CONF

ADMIN_TOKEN = 'admin-token'
MEMBER_A_TOKEN = 'member-a-token'
READER_A_TOKEN = 'reader-a-token'
MEMBER_B_TOKEN = 'member-b-token'
READER_B_TOKEN = 'reader-b-token'
ADMIN_PROJECT = 'admin-project'
PROJECT_A = 'project-a'
PROJECT_B = 'project-b'

TOKENS = (
    (ADMIN_TOKEN, 'admin-user', ADMIN_PROJECT, ['admin']),
    (MEMBER_A_TOKEN, 'member-a-user', PROJECT_A, ['member', 'reader']),
    (READER_A_TOKEN, 'reader-a-user', PROJECT_A, ['reader']),
    (MEMBER_B_TOKEN, 'member-b-user', PROJECT_B, ['member', 'reader']),
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
        self.disable_file = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'healthcheck_disable')
        config.config(group='healthcheck',
                      disable_by_file_path=self.disable_file)
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


class CronController(base.Controller):
    """Test only, mounted at /api/cron/ by CronFixture: the cron jobs a
    dashboard flow waits for, run now (as an admin of the deployment,
    not as the caller): ``POST rollover/`` is ``invoice-rollover``,
    ``POST notification_send/`` is ``notification send`` and answers
    ``{"sent": n, "failed": n}``; ``POST live_totals/`` is the monitor's
    live totals refresh."""

    _custom_actions = {'rollover': ['POST'], 'notification_send': ['POST'],
                       'live_totals': ['POST']}

    @pecan.expose('json')
    def rollover(self):
        rollover.run(rintik_context.get_admin_context(), CONF,
                     clock.utcnow())
        return {'status': 'success'}

    @pecan.expose('json')
    def live_totals(self):
        overview.refresh(rintik_context.get_admin_context(),
                         invoicing.Policy.from_conf(CONF), clock.utcnow())
        return {'status': 'success'}

    @pecan.expose('json')
    def notification_send(self):
        summary = outbox.send_pending(rintik_context.get_admin_context(),
                                      CONF, clock.utcnow())
        return {'sent': summary.sent, 'failed': summary.failed}


# The moment the API's clock shows under ClockFixture: April is in
# progress, January to March can be issued.
CLOCK = datetime.datetime(2026, 4, 15, 12, tzinfo=datetime.timezone.utc)


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


class ClockFixture(_Gabbi):
    """The host's clock (rintik.common.clock.utcnow), which the API
    reads, shows ``CLOCK``."""

    def make_fixture(self):
        return fixtures.MockPatchObject(clock, 'utcnow',
                                        return_value=CLOCK)


class _NoAuth(fixtures.Fixture):

    def _setUp(self):
        CONF.set_override('auth_strategy', 'noauth', group='api')
        self.addCleanup(CONF.clear_override, 'auth_strategy', group='api')


class NoAuthFixture(_Gabbi):
    """``[api] auth_strategy = noauth``: identity from X-Project-Id,
    X-User-Id and X-Roles (list it after APIFixture)."""

    def make_fixture(self):
        return _NoAuth()


class _Cron(fixtures.Fixture):

    def _setUp(self):
        smtp = self.useFixture(smtp_server.SMTPServer())
        for name, value in (('host', '127.0.0.1'), ('port', smtp.port),
                            ('from_address',
                             'Billing <billing@cloud.example>'),
                            ('timeout', 5)):
            CONF.set_override(name, value, group='smtp')
            self.addCleanup(CONF.clear_override, name, group='smtp')
        self.useFixture(fixtures.MockPatchObject(
            v1.ApiController, 'cron', CronController(), create=True))


class CronFixture(_Gabbi):
    """Mounts CronController at /api/cron/ with an SMTP server (list it
    after APIFixture)."""

    def make_fixture(self):
        return _Cron()


class EchoFixture(_Gabbi):
    """Mounts EchoController at /api/echo/."""

    def make_fixture(self):
        return fixtures.MockPatchObject(v1.ApiController, 'echo',
                                        EchoController(), create=True)


UTC = datetime.timezone.utc
D = decimal.Decimal


def at(month, day=1, hour=0, year=2026):
    """A moment of 2026 (by default) in UTC."""
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


class Currency(fixtures.Fixture):
    """``[billing] currency`` for the test (IDR, as on the dashboard)."""

    def __init__(self, currency='IDR'):
        super().__init__()
        self.currency = currency

    def _setUp(self):
        CONF.set_override('currency', self.currency, group='billing')
        self.addCleanup(CONF.clear_override, 'currency', group='billing')


class BillingData(fixtures.Fixture):
    """A billing record seeded through Rintik's own paths, in IDR with a
    10 % tax, a billing window open since 1 January 2026 and the rollover
    run at 1 March 2026 00:07 UTC:

    Prices (ids 1-6): flavor ``m1.small`` 10.5/h (monthly 5000), volume
    ``ssd`` 0.0125/GB-h, floating_ip 0.005/h, router 0.01/h, snapshot
    0.001/GB-h, image 0.002/GiB-h.

    project-a (e-mail ``billing@a.example``): instance ``vm-a1`` 10-11
    January (252.00), volume ``vol-a1`` 20 GB from 10 January, running
    (132.00 in January, 168.00 in February, 186.00 in March), floating IP
    ``fip-a1`` 10-20 January (1.20), router ``rtr-a1`` from 1 February,
    running (6.72 in February, 7.44 in March). Invoices: 1 January,
    unpaid, 385.20 + 38.52 = 423.72; 2 February, unpaid, 174.72 + 17.47 =
    192.19; 3 March, in progress (193.44 so far: March has ended, so the
    live rating is final). No balance.

    project-b (e-mail ``ops@b.example``): instance ``vm-b1`` 5-6 January.
    Invoices: 4 January, unpaid, 252.00 + 25.20 = 277.20; 5 February,
    finished (total 0.00); 6 March, in progress (0.00). Balance 1 of
    500.00 (one top-up).

    Notifications: 1 project-a (1 Feb), 2 project-b (1 Feb), 3 general
    (2 Feb), 4 project-a (1 Mar); all unread, none sent.
    """

    ROLLOVER_AT = datetime.datetime(2026, 3, 1, 0, 7, tzinfo=UTC)

    def _setUp(self):
        self.useFixture(Currency('IDR'))
        self.context = context = rintik_context.get_admin_context()
        self._messages = 0
        for kind, key, hourly, monthly in (
                ('flavor', 'm1.small', '10.5', '5000'),
                ('volume', 'ssd', '0.0125', None),
                ('floating_ip', None, '0.005', None),
                ('router', None, '0.01', None),
                ('snapshot', None, '0.001', None),
                ('image', None, '0.002', None)):
            prices.set_price(context, kind, key, D(hourly),
                             D(monthly) if monthly else None, None, at(1))
        settings.set_setting(context, 'invoice_tax', 10)
        settings.set_setting(context, 'company_name', 'Rintik Cloud')
        db_settings.open_window(context, at(1))
        self.live('instance', 'vm-a1', 'project-a', at(1, 10), at(1, 11),
                  price_key='m1.small', name='web-a')
        self.live('volume', 'vol-a1', 'project-a', at(1, 10), None,
                  price_key='ssd', quantity=20, name='data-a')
        self.live('floating_ip', 'fip-a1', 'project-a', at(1, 10),
                  at(1, 20), name='203.0.113.10')
        self.live('router', 'rtr-a1', 'project-a', at(2, 1), None,
                  name='router-a')
        self.live('instance', 'vm-b1', 'project-b', at(1, 5), at(1, 6),
                  price_key='m1.small', name='web-b')
        rollover.run(context, CONF, self.ROLLOVER_AT)
        # The notification tests read a fixed set; what the rollover
        # notifies is tested in rintik.tests.unit.notify.
        notifications.delete_all(context)
        db_projects.set_project_email(context, 'project-a',
                                      'billing@a.example')
        db_projects.set_project_email(context, 'project-b', 'ops@b.example')
        balances.record(context, 'project-b', balances.TOP_UP, D('500.00'),
                        'Opening balance', at(1, 2))
        for project, title, moment in (
                ('project-a', 'Invoice January', at(2, 1)),
                ('project-b', 'Invoice January', at(2, 1)),
                (None, 'Maintenance', at(2, 2)),
                ('project-a', 'Invoice February', at(3, 1))):
            notifications.add_many(context, [{
                'project_id': project, 'title': title,
                'short_description': title + ' (short)',
                'content': '<p>%s</p>' % title, 'event': None,
                'data': None}], moment)
        # What the monitor's timer does: the overviews read the result.
        overview.refresh(context, invoicing.Policy.from_conf(CONF),
                         datetime.datetime.now(UTC))

    def live(self, resource_type, resource_id, project, start, end,
             price_key=None, quantity=1, name=None):
        """A resource observed from ``start``, gone at ``end``."""
        self.store(start, facts.Observation(
            resource_type, resource_id, project, billable=True,
            price_key=price_key, quantity=D(quantity), name=name))
        if end is not None:
            self.store(end, facts.Observation(resource_type, resource_id,
                                              project, gone=True))

    def store(self, moment, fact):
        self._messages += 1
        ingest.store(self.context, [
            ('seed-%d' % self._messages, 'test.event', moment, [fact])], [])


class IDRFixture(_Gabbi):
    """The deployment currency is IDR."""

    def make_fixture(self):
        return Currency('IDR')


class BillingDataFixture(_Gabbi):
    """Seeds BillingData (list it after APIFixture)."""

    def make_fixture(self):
        return BillingData()
