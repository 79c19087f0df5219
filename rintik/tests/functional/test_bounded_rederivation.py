"""Bounded re-derivation on real MariaDB and PostgreSQL: random histories
with late observations give exactly the full derivation's intervals,
resource state and usage changes (the scenarios of
rintik/tests/unit/metering/test_ingest.py)."""

import os

from oslo_db.sqlalchemy import test_fixtures
import testscenarios

from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.metering.test_ingest import IngestScenarios

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))


class BoundedRederivationTest(test_fixtures.OpportunisticDBTestMixin,
                              IngestScenarios, base.DbTestCase):

    scenarios = rintik_fixtures.SERVER_SCENARIOS
    DATABASE = None
    SKIP_ON_UNAVAILABLE_DB = not CI
    LENGTH = 160
    BATCHES = 20

    def test_seed_5(self):
        self.run_scenario(5)

    def test_seed_6(self):
        self.run_scenario(6)
