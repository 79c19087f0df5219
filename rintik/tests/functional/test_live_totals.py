"""The live totals equal a full re-rating on real MariaDB and PostgreSQL
(the random scenarios of rintik/tests/unit/rating/test_live_totals.py)."""

import os

from oslo_db.sqlalchemy import test_fixtures
import testscenarios

from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.rating.helpers import RatingTestCase
from rintik.tests.unit.rating.test_live_totals import LiveTotalsScenarios

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))


class LiveTotalsTest(test_fixtures.OpportunisticDBTestMixin,
                     LiveTotalsScenarios, RatingTestCase):

    scenarios = [
        ('mariadb', {'FIXTURE': rintik_fixtures.MySQLDatabase}),
        ('postgresql', {'FIXTURE': rintik_fixtures.PostgreSQLDatabase}),
    ]
    DATABASE = None
    SKIP_ON_UNAVAILABLE_DB = not CI
    STEPS = 30

    def test_seed_10(self):
        self.run_scenario(10)

    def test_seed_11(self):
        self.run_scenario(11)
