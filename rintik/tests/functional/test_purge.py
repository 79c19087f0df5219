"""db purge on the real MariaDB and PostgreSQL: the unit tests' scenarios
(rintik/tests/unit/db/test_purge.py), each on a fresh database of the
openstack_citest servers."""

import os

from oslo_db.sqlalchemy import test_fixtures
import testscenarios

from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.db import test_purge

load_tests = testscenarios.load_tests_apply_scenarios


class PurgeTest(test_fixtures.OpportunisticDBTestMixin,
                test_purge.PurgeTest):

    scenarios = rintik_fixtures.SERVER_SCENARIOS
    DATABASE = None
    # In CI a missing service fails the test; elsewhere it skips.
    SKIP_ON_UNAVAILABLE_DB = not os.environ.get('CI')
