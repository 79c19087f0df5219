"""rintik-status upgrade check: each check passing and failing."""

import json
import os
import subprocess
import sys
from unittest import mock

import fixtures
from oslo_db.sqlalchemy import test_fixtures
from oslo_policy import opts as policy_opts
from oslo_upgradecheck import upgradecheck

from rintik.cmd import status
from rintik.db import engine as db_engine
from rintik.db import migration
from rintik.notification import durability
from rintik.tests import base
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import RatingTestCase

[HEAD] = status.head_revisions()

Code = upgradecheck.Code


class EmptySQLite(test_fixtures.AdHocDbFixture):
    """A fresh in-memory SQLite database without any schema."""

    def __init__(self):
        super().__init__(url='sqlite://')

    def get_per_test_enginefacade(self):
        return db_engine.main_context_manager


def result(check):
    """(code, details) of one check."""
    outcome = check()
    return outcome.code, outcome.details


class DatabaseAtHeadTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(EmptySQLite())
        self.checks = status.UpgradeChecks(self.conf)

    def test_never_migrated(self):
        self.assertEqual(
            (Code.FAILURE, 'The database is at revision none (never '
                           'migrated), not at %s: run "rintik-manage db '
                           'sync".' % HEAD),
            result(self.checks._database_at_head))

    def test_behind_head(self):
        migration.upgrade('0002')
        self.assertEqual(
            (Code.FAILURE, 'The database is at revision 0002, not at %s: '
                           'run "rintik-manage db sync".' % HEAD),
            result(self.checks._database_at_head))

    def test_at_head(self):
        migration.upgrade('head')
        self.assertEqual((Code.SUCCESS, None),
                         result(self.checks._database_at_head))

    def test_unpriced_usage_not_checked_behind_head(self):
        migration.upgrade('0002')
        self.assertEqual(
            (Code.WARNING, 'Not checked: the database is not at head.'),
            result(self.checks._unpriced_usage))

    def test_unreachable(self):
        self.useFixture(fixtures.MockPatch(
            'rintik.db.migration.version',
            side_effect=ConnectionRefusedError('secret-host')))
        code, details = result(self.checks._database_at_head)
        self.assertEqual(Code.FAILURE, code)
        self.assertEqual('The database cannot be read '
                         '(ConnectionRefusedError). Check [database] '
                         'connection.', details)

    def test_head_is_the_newest_migration(self):
        versions = os.path.join(os.path.dirname(migration.ALEMBIC_INI),
                                'migrations', 'versions')
        newest = max(name.split('_')[0] for name in os.listdir(versions)
                     if name[0].isdigit())
        self.assertEqual({newest}, status.head_revisions())


class PolicyFileTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        policy_opts.set_defaults(self.conf)
        self.checks = status.UpgradeChecks(self.conf)

    def use_policy(self, text, name='policy.yaml'):
        path = os.path.join(self.directory, name)
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        self.config(policy_file=path, group='oslo_policy')
        return path

    def test_no_policy_file(self):
        self.config(policy_file=os.path.join(self.directory, 'absent.yaml'),
                    group='oslo_policy')
        code, details = result(self.checks._policy_file)
        self.assertEqual(Code.SUCCESS, code)
        self.assertIn('the defaults in code apply', details)

    def test_valid_overrides_and_alias(self):
        self.use_policy(
            '"billing_admin": "role:billing"\n'
            '"rintik:invoice:list": "rule:billing_admin or '
            'rule:project_reader_or_admin"\n')
        self.assertEqual((Code.SUCCESS, None),
                         result(self.checks._policy_file))

    def test_unknown_rule_name(self):
        path = self.use_policy('"rintik:invoice:lst": "role:admin"\n')
        self.assertEqual(
            (Code.FAILURE, 'Policy file %s: it names rules Rintik does not '
                           'have: rintik:invoice:lst.' % path),
            result(self.checks._policy_file))

    def test_alias_only_referenced_by_prefix_is_unknown(self):
        # "rule:billing_admin_x" does not make "billing_admin" used.
        path = self.use_policy(
            '"billing_admin": "role:billing"\n'
            '"billing_admin_x": "role:x"\n'
            '"rintik:invoice:list": "rule:billing_admin_x"\n')
        self.assertEqual(
            (Code.FAILURE, 'Policy file %s: it names rules Rintik does not '
                           'have: billing_admin.' % path),
            result(self.checks._policy_file))

    def test_rule_that_does_not_parse(self):
        path = self.use_policy('"rintik:invoice:list": "role:admin or"\n')
        self.assertEqual(
            (Code.FAILURE, 'Policy file %s: these rules do not parse (they '
                           'deny everyone): rintik:invoice:list.' % path),
            result(self.checks._policy_file))

    def test_explicit_deny_all_is_valid(self):
        self.use_policy('"rintik:balance:top_down": "!"\n')
        self.assertEqual((Code.SUCCESS, None),
                         result(self.checks._policy_file))

    def test_undefined_rule_reference(self):
        path = self.use_policy('"rintik:invoice:list": "rule:nobody_knows"\n')
        self.assertEqual(
            (Code.FAILURE, 'Policy file %s: a rule refers to an undefined '
                           'rule or to itself (see the log).' % path),
            result(self.checks._policy_file))

    def test_not_yaml(self):
        path = self.use_policy('"rintik:invoice:list": [unclosed\n')
        code, details = result(self.checks._policy_file)
        self.assertEqual(Code.FAILURE, code)
        self.assertTrue(details.startswith(
            'The policy file %s cannot be read: ' % path), details)

    def test_json_policy_file_is_deprecated(self):
        self.use_policy('{"rintik:invoice:list": "role:admin"}',
                        name='policy.json')
        code, details = result(self.checks._policy_format)
        self.assertEqual(Code.FAILURE, code)
        self.assertIn('oslopolicy-convert-json-to-yaml', details)

    def test_yaml_policy_file_format(self):
        self.use_policy('"rintik:invoice:list": "role:admin"\n')
        self.assertEqual((Code.SUCCESS, None),
                         result(self.checks._policy_format))


class NotificationSettingsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.checks = status.UpgradeChecks(self.conf)

    def test_defaults(self):
        self.assertEqual((Code.SUCCESS, None),
                         result(self.checks._notification_settings))

    def test_own_topic_without_pool(self):
        self.config(pool_name='', topics=['rintik'], group='notification')
        self.assertEqual((Code.SUCCESS, None),
                         result(self.checks._notification_settings))

    def test_shared_queue(self):
        self.config(pool_name='', group='notification')
        code, details = result(self.checks._notification_settings)
        self.assertEqual(Code.FAILURE, code)
        self.assertIn('without [notification] pool_name the monitor shares '
                      'the "notifications" queue', details)

    def test_nothing_to_bind_to(self):
        self.config(exchanges=[], topics=[], group='notification')
        self.assertEqual(
            (Code.FAILURE, '[notification] exchanges is empty: the monitor '
                           'would bind to nothing; [notification] topics is '
                           'empty.'),
            result(self.checks._notification_settings))


class DurableQueueTest(base.TestCase):
    """The broker check itself is rintik.notification.durability's; here
    only how its answer becomes a result."""

    def setUp(self):
        super().setUp()
        self.checks = status.UpgradeChecks(self.conf)

    def answer(self, **kwargs):
        return self.useFixture(fixtures.MockPatch(
            'rintik.cmd.status.check_queue', **kwargs)).mock

    def test_durable(self):
        check_queue = self.answer(return_value=None)
        self.assertEqual((Code.SUCCESS, None),
                         result(self.checks._durable_queue))
        check_queue.assert_called_once_with(self.conf)

    def test_not_durable(self):
        self.answer(return_value='Queue rintik.notifications.info is not '
                                 'durable.')
        self.assertEqual(
            (Code.FAILURE, 'Queue rintik.notifications.info is not durable.'),
            result(self.checks._durable_queue))

    def test_broker_unreachable(self):
        self.answer(side_effect=ConnectionRefusedError('refused'))
        self.assertEqual(
            (Code.FAILURE, 'The monitor\'s queue could not be checked on the '
                           'broker: refused'),
            result(self.checks._durable_queue))

    def test_the_monitors_own_check_is_called(self):
        answers = [durability.Result(True, 'durable', 'Queue rintik is '
                                     'durable.'),
                   durability.Result(False, 'not durable', 'Queue rintik '
                                     'is not durable.')]
        with mock.patch.object(durability, 'check_queue',
                               side_effect=answers) as check:
            self.assertIsNone(status.check_queue(self.conf))
            self.assertEqual('Queue rintik is not durable.',
                             status.check_queue(self.conf))
        check.assert_called_with(self.conf)


class UnpricedUsageTest(RatingTestCase):
    """Flavors and volume types used in open periods without a price."""

    def setUp(self):
        super().setUp()
        self.checks = status.UpgradeChecks(self.conf)
        self.price('0.01', key='m1')
        self.price('0.0002', kind='volume', key='ssd')
        self.enable(at(1))

    def test_no_open_period(self):
        self.live('i1', at(1, 10), price_key='m9')
        self.assertEqual((Code.SUCCESS, 'No invoice period is open.'),
                         result(self.checks._unpriced_usage))

    def test_everything_priced(self):
        self.live('i1', at(1, 10))
        self.live('v1', at(1, 12), resource_type='volume', price_key='ssd',
                  quantity=10)
        self.rollover(cron(2))
        self.assertEqual((Code.SUCCESS, None),
                         result(self.checks._unpriced_usage))

    def test_unpriced_flavor_and_volume_type_in_the_open_period(self):
        self.live('i1', at(1, 10))
        self.live('i2', at(1, 12), price_key='m9')
        self.live('i3', at(2, 3), price_key='m8')
        self.live('v1', at(2, 2), resource_type='volume', price_key='hdd',
                  quantity=10)
        # Unpriced only in January, issued by the rollover: not listed.
        self.live('i4', at(1, 3), at(1, 5), price_key='old')
        # Not a flavor or volume type: not this check's business.
        self.live('f1', at(1, 3), resource_type='floating_ip',
                  price_key=None)
        self.rollover(cron(2))
        before = self.snapshot()
        self.assertEqual(
            (Code.WARNING, 'Usage in open invoice periods has no price for: '
                           'flavor m8, m9; volume type hdd. It is billed at '
                           'zero unless priced before the rollover '
                           '("rintik-manage price set", "rintik-manage '
                           'usage unpriced").'),
            result(self.checks._unpriced_usage))
        self.assertEqual(before, self.snapshot())


class CommandTest(base.TestCase):
    """The console script end to end: table, JSON and exit status."""

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.config_file = os.path.join(self.directory, 'rintik.conf')
        with open(self.config_file, 'w', encoding='utf-8') as stream:
            stream.write('[database]\nconnection = sqlite:///%s\n'
                         % os.path.join(self.directory, 'rintik.db'))

    def run_status(self, *args):
        # check_queue is mocked at its seam: no broker in unit tests.
        code = (
            'import sys\n'
            'from unittest import mock\n'
            'from rintik.cmd import status\n'
            'mock.patch.object(status, "check_queue",'
            ' return_value=None).start()\n'
            'sys.argv = ["rintik-status"] + sys.argv[1:]\n'
            'sys.exit(status.main())\n')
        return subprocess.run(
            [sys.executable, '-c', code, '--config-file', self.config_file,
             'upgrade', 'check'] + list(args),
            capture_output=True, text=True, timeout=120)

    def test_unmigrated_database_fails(self):
        finished = self.run_status()
        self.assertEqual(2, finished.returncode, finished.stderr)
        self.assertIn('Check: Database at head', finished.stdout)
        self.assertIn('rintik-manage db sync', finished.stdout)

    def test_ready_json(self):
        subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), 'rintik-manage'),
             '--config-file', self.config_file, 'db', 'sync'],
            check=True, capture_output=True, timeout=120)
        finished = self.run_status('--json')
        self.assertEqual(0, finished.returncode, finished.stdout)
        self.assertEqual(
            {'name': 'Rintik upgrade check results',
             'checks': [
                 {'check': 'Database at head', 'result': 0,
                  'details': None},
                 {'check': 'Policy file', 'result': 0,
                  'details': 'No policy file (policy.yaml): the defaults '
                             'in code apply.'},
                 {'check': 'Policy file format', 'result': 0,
                  'details': None},
                 {'check': 'Notification settings', 'result': 0,
                  'details': None},
                 {'check': 'Durable notification queue', 'result': 0,
                  'details': None},
                 {'check': 'Prices for flavors and volume types in use',
                  'result': 0, 'details': 'No invoice period is open.'}]},
            json.loads(finished.stdout))
