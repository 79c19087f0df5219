"""Arbitrary requests to every endpoint of the contract (hypothesis, on
SQLite): never a 5xx, always JSON.

One test per endpoint, each on the seeded billing record; derandomized
with a fixed number of examples, so a run is repeatable and bounded
(under 40 s in all on one busy core).
"""

import datetime

import hypothesis

from rintik.api import app
from rintik.tests import base
from rintik.tests.unit.api import contract
from rintik.tests.unit.api import fixtures

# Requests with a body go deeper, so they get more examples.
EXAMPLES = {'GET': 10, 'DELETE': 10, 'POST': 40, 'PUT': 40, 'PATCH': 40}


def fuzz_settings(examples):
    return hypothesis.settings(
        max_examples=examples, derandomize=True, database=None,
        deadline=datetime.timedelta(seconds=2),
        suppress_health_check=[hypothesis.HealthCheck.too_slow,
                               hypothesis.HealthCheck.data_too_large])


class ContractFuzzTestCase(base.TestCase):
    """Filled with one test_<method>_<path> per contract endpoint."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.ApiEnvironment())
        self.config(group='api', auth_strategy='noauth')
        self.useFixture(fixtures.BillingData())
        self.application = app.setup_app(self.conf)


def _endpoint_test(endpoint):
    @fuzz_settings(EXAMPLES[endpoint[0]])
    @hypothesis.given(request=contract.requests(endpoint))
    def test(self, request):
        contract.check_any_request(self, self.application, endpoint,
                                   request)

    return test


def _test_name(endpoint):
    method, template = endpoint
    words = ''.join(character if character.isalnum() else '_'
                    for character in template).strip('_')
    return 'test_%s_%s' % (method.lower(), words or 'root')


for _endpoint in contract.ENDPOINTS:
    setattr(ContractFuzzTestCase, _test_name(_endpoint),
            _endpoint_test(_endpoint))
