"""Runs the gabbi YAML tests of gabbits/ against the in-process API.

``response_json_paths`` compare JSON types too (StrictJSONHandler): the
contract types every key, and Python's ``1 == True == 1.0`` would let an
integer pass for a boolean or a number for another.
"""

import os

from gabbi import driver
from gabbi.handlers import jsonhandler

from rintik.tests import base
from rintik.tests.unit.api import fixtures

TESTS_DIR = os.path.join(os.path.dirname(__file__), 'gabbits')


def typed(value):
    """``value`` with each scalar tagged by its JSON type name."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


class StrictJSONHandler(jsonhandler.JSONHandler):
    """gabbi's JSON handler, with equal values also of equal types
    (regular expressions still match the text)."""

    def action(self, test, path, value=None):
        super().action(test, path, value)
        if isinstance(value, str) and (self.is_regex(value) or
                                       value.startswith('<@')):
            return
        expected = test.replace_template(value)
        found = self.extract_json_path_value(
            test.response_data, test.replace_template(path))
        test.assertEqual(typed(expected), typed(found),
                         'JSON types differ at %s' % path)


def load_tests(loader, tests, pattern):
    return driver.build_tests(TESTS_DIR, loader, host=None,
                              intercept=fixtures.setup_app,
                              fixture_module=fixtures,
                              inner_fixtures=[base.CapturedLogs],
                              content_handlers=[StrictJSONHandler],
                              test_loader_name=__name__)
