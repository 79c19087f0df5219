"""Runs the gabbi YAML tests of gabbits/ against the in-process API."""

import os

from gabbi import driver

from rintik.tests import base
from rintik.tests.unit.api import fixtures

TESTS_DIR = os.path.join(os.path.dirname(__file__), 'gabbits')


def load_tests(loader, tests, pattern):
    return driver.build_tests(TESTS_DIR, loader, host=None,
                              intercept=fixtures.setup_app,
                              fixture_module=fixtures,
                              inner_fixtures=[base.CapturedLogs],
                              test_loader_name=__name__)
