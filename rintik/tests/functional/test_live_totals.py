"""The live totals equal a full re-rating on real MariaDB and PostgreSQL
(the random scenarios of rintik/tests/unit/rating/test_live_totals.py),
and a read while refreshes commit is exact (one snapshot)."""

import datetime
import os
import threading

from oslo_db.sqlalchemy import test_fixtures
import testscenarios

from rintik import context as rintik_context
from rintik.rating import overview
from rintik.rating import prices
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import RatingTestCase
from rintik.tests.unit.rating.test_live_totals import LiveTotalsScenarios

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))


class LiveTotalsTest(test_fixtures.OpportunisticDBTestMixin,
                     LiveTotalsScenarios, RatingTestCase):

    scenarios = rintik_fixtures.SERVER_SCENARIOS
    DATABASE = None
    SKIP_ON_UNAVAILABLE_DB = not CI
    STEPS = 30

    def test_seed_10(self):
        self.run_scenario(10)

    def test_seed_11(self):
        self.run_scenario(11)

    def test_reads_while_refreshes_commit(self):
        """Refreshes moving the growing groups forward commit while the
        overviews are read at a later moment: every read equals the
        re-rating at that moment (the stored sums and the groups due
        come from one snapshot, never counted twice nor missed)."""
        self.config(group='billing', charge_unit='second', currency='USD')
        start = at(3, 1)
        for kind, key in (('flavor', 'm1'), ('volume', 'ssd')):
            prices.set_price(self.context, kind, key, '0.0731', None, start,
                             start)
        self.enable(start)
        for number in range(12):
            self.observe(start + datetime.timedelta(minutes=number),
                         'r%d' % number, project='p%d' % (number % 3),
                         resource_type=('instance', 'volume')[number % 2],
                         price_key=('m1', 'ssd')[number % 2],
                         quantity=1 + number)
        now = at(3, 2)
        self.rollover(now)
        overview.refresh(self.context, self.policy, now)
        later = now + datetime.timedelta(hours=6)
        expected = {}
        for kinds in self.expected(later).values():
            for kind, value in kinds.items():
                expected[kind] = tuple(a + b for a, b in zip(
                    expected.get(kind, (0, 0, 0, 0)), value))
        done = threading.Event()
        errors = []

        def refresher():
            context = rintik_context.get_admin_context()
            moment = now
            try:
                while moment < later:
                    moment = min(later, moment + datetime.timedelta(
                        seconds=97))
                    overview.refresh(context, self.policy, moment)
            except Exception as error:  # reported by the test thread
                errors.append(error)
            finally:
                done.set()

        thread = threading.Thread(target=refresher)
        thread.start()
        reads = 0
        while not done.is_set():
            self.assertEqual(expected, self.actual(later))
            reads += 1
        thread.join()
        self.assertEqual([], errors)
        self.assertEqual(expected, self.actual(later))
        self.assertGreater(reads, 20)
