"""Start-up failures say what is wrong, and what to do, in one line.

The commands run as real processes (rintik-manage, rintik-api,
rintik-monitor, the WSGI module), against SQLite files, a TCP port
nothing listens on, the real MariaDB behind a proxy the test owns, and
the real RabbitMQ with a wrong password.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import fixtures
from oslo_db.sqlalchemy import test_fixtures

from rintik.db import migration
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.functional import process
from rintik.tests.functional import tcp_proxy

HEAD = migration.head()
SYNC = 'run `rintik-manage db sync`'


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _lines(text):
    return [line for line in text.splitlines() if line.strip()]


class _ProcessTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.log_file = os.path.join(self.directory, 'rintik.log')

    def configure(self, connection, **sections):
        """A config file for ``connection`` (plus ``sections``)."""
        path = os.path.join(self.directory, 'rintik.conf')
        sections.setdefault('DEFAULT', {}).setdefault('log_file',
                                                      self.log_file)
        sections.setdefault('database', {}).update(connection=connection,
                                                   max_retries=0)
        process.write_config(path, sections)
        return path

    def sqlite(self, name='rintik.sqlite'):
        return 'sqlite:///' + os.path.join(self.directory, name)

    def run_command(self, command, *args, env=None, timeout=60):
        result = subprocess.run(
            [os.path.join(process.BIN, command)] + list(args),
            capture_output=True, text=True, timeout=timeout,
            env=dict(os.environ, **(env or {})))
        return result.returncode, result.stdout, result.stderr

    def manage(self, config_file, *args):
        return self.run_command('rintik-manage', '--config-file',
                                config_file, *args)

    def assertOneLine(self, expected, result, status=1):
        """``result`` exited with ``status`` and wrote exactly the line
        ``expected`` on stderr."""
        returncode, _stdout, stderr = result
        self.assertEqual((status, [expected]), (returncode, _lines(stderr)))

    def log(self):
        if not os.path.exists(self.log_file):
            return ''
        with open(self.log_file, encoding='utf-8') as stream:
            return stream.read()

    def wait_for_log(self, text, count=1, timeout=30):
        deadline = time.monotonic() + timeout
        while self.log().count(text) < count:
            if time.monotonic() > deadline:
                self.fail('%r not logged %d times in %ss:\n%s' % (
                    text, count, timeout, self.log()[-4000:]))
            time.sleep(0.2)

    def start(self, command, *args, env=None):
        """A long-running process, killed (whole group) at cleanup."""
        popen = subprocess.Popen(
            [os.path.join(process.BIN, command)] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, env=dict(os.environ, **(env or {})))

        def kill():
            if popen.poll() is None:
                os.killpg(popen.pid, signal.SIGKILL)
            popen.wait()
            popen.stdout.close()
        self.addCleanup(kill)
        return popen


class ManageTest(_ProcessTest):
    """rintik-manage: one line on stderr, exit status 1 (CLI.md)."""

    def test_empty_database_names_db_sync(self):
        config = self.configure(self.sqlite())
        self.assertOneLine(
            'The database schema is at revision none (empty), not at the '
            'head %s: %s' % (HEAD, SYNC), self.manage(config, 'usage',
                                                      'list'))

    def test_database_behind_head_names_db_sync(self):
        config = self.configure(self.sqlite())
        self.assertEqual(0, self.manage(config, 'db', 'sync', '--revision',
                                        '0001')[0])
        self.assertOneLine(
            'The database schema is at revision 0001, not at the head %s: '
            '%s' % (HEAD, SYNC), self.manage(config, 'invoice', 'list'))
        # db sync itself and db version run there; then everything does.
        self.assertEqual((0, '0001\n', ''), self.manage(config, 'db',
                                                        'version'))
        self.assertEqual((0, '', ''), self.manage(config, 'db', 'sync'))
        self.assertEqual(0, self.manage(config, 'invoice', 'list')[0])

    def test_missing_sqlite_directory(self):
        url = 'sqlite:///' + os.path.join(self.directory, 'absent', 'r.db')
        config = self.configure(url)
        self.assertOneLine(
            'The database %s does not exist: unable to open database '
            'file; create it, then %s' % (url, SYNC),
            self.manage(config, 'price', 'list'))

    def test_missing_server_databases(self):
        name = 'rintik_absent_%s' % uuid.uuid4().hex[:8]
        for scheme, reason in (
                ('mysql+pymysql', '(1049, "Unknown database \'%s\'")'),
                ('postgresql+psycopg2', 'connection to server at '
                 '"127.0.0.1", port 5432 failed: FATAL: database "%s" '
                 'does not exist')):
            config = self.configure(
                '%s://openstack_citest:openstack_citest@127.0.0.1/%s' % (
                    scheme, name))
            self.assertOneLine(
                'The database %s://openstack_citest:***@127.0.0.1/%s does '
                'not exist: %s; create it, then %s' % (
                    scheme, name, reason % name, SYNC),
                self.manage(config, 'usage', 'list'))

    def test_unknown_revision(self):
        config = self.configure(self.sqlite())
        self.assertOneLine('Unknown revision 9999 (the head is %s)' % HEAD,
                           self.manage(config, 'db', 'sync', '--revision',
                                       '9999'))
        self.assertEqual((0, 'None\n'), self.manage(config, 'db',
                                                    'version')[:2])

    def test_usage_errors_exit_1(self):
        config = self.configure(self.sqlite())
        for args in (('usage', 'lisst'), ('invoice', 'show', 'x'),
                     ('no-such-category',), ('price', 'set', 'flavor')):
            returncode, stdout, stderr = self.manage(config, *args)
            self.assertEqual((1, '', 1), (returncode, stdout,
                                          len(_lines(stderr))), args)
            self.assertIn(' error: ', stderr, args)
        self.assertOneLine(
            "rintik-manage usage: error: argument action: invalid choice: "
            "'lisst' (choose from 'list', 'unpriced')",
            self.manage(config, 'usage', 'lisst'))
        self.assertEqual(0, self.manage(config, '--help')[0])

    def test_mysql_driver_missing_names_the_extra(self):
        config = self.configure('mysql+mysqldb://rintik:secret@127.0.0.1/r')
        self.assertOneLine(
            "The database driver of mysql+mysqldb is not installed (No "
            "module named 'MySQLdb'): pip install 'rintik[mysql]' and use "
            "a mysql+pymysql:// URL", self.manage(config, 'db', 'sync'))

    def test_postgresql_driver_missing_names_the_extra(self):
        config = self.configure('postgresql+pg8000://rintik@127.0.0.1/r')
        self.assertOneLine(
            "The database driver of postgresql+pg8000 is not installed (No "
            "module named 'pg8000'): pip install 'rintik[postgresql]' and "
            "use a postgresql+psycopg2:// URL",
            self.manage(config, 'usage', 'list'))

    def test_unreachable_server_hides_the_password(self):
        port = _free_port()
        config = self.configure(
            'mysql+pymysql://rintik:secret@127.0.0.1:%d/rintik' % port)
        self.assertOneLine(
            'The database mysql+pymysql://rintik:***@127.0.0.1:%d/rintik '
            'cannot be reached: (2003, "Can\'t connect to MySQL server on '
            '\'127.0.0.1\' ([Errno 111] Connection refused)")' % port,
            self.manage(config, 'usage', 'list'))


class ServiceStartTest(_ProcessTest):
    """rintik-api and rintik-monitor refuse a schema behind head."""

    def test_api_refuses_schema_behind_head(self):
        config = self.configure(self.sqlite(), api={'port': _free_port()})
        self.manage(config, 'db', 'sync', '--revision', '0002')
        expected = ('The database schema is at revision 0002, not at the '
                    'head %s: %s' % (HEAD, SYNC))
        self.assertOneLine(expected, self.run_command(
            'rintik-api', '--config-file', config))
        self.assertIn('ERROR rintik.service [-] ' + expected, self.log())

    def test_monitor_refuses_empty_database(self):
        config = self.configure(self.sqlite())
        self.assertOneLine(
            'The database schema is at revision none (empty), not at the '
            'head %s: %s' % (HEAD, SYNC),
            self.run_command('rintik-monitor', '--config-file', config))

    def test_monitor_worker_backs_off_on_refused_login(self):
        config = self.configure(self.sqlite(), DEFAULT={
            'log_file': self.log_file,
            'transport_url': 'rabbit://guest:not-the-password@'
                             '127.0.0.1:5672/'})
        self.manage(config, 'db', 'sync')
        monitor = self.start('rintik-monitor', '--config-file', config)
        self.wait_for_log('retrying in 2 s')
        log = self.log()
        self.assertIn('ERROR rintik.service [-] MonitorService could not '
                      'start (AccessRefused: (0, 0): (403) ACCESS_REFUSED - '
                      'Login was refused using authentication mechanism '
                      'AMQPLAIN. For details see the broker logfile.); '
                      'retrying in 1 s', log)
        self.assertNotIn('Forking too fast', log)
        self.assertNotIn('not-the-password', log)
        # One worker, never re-forked: it is the one retrying.
        self.assertIsNone(monitor.poll())
        self.assertNotIn('exited with status', log)


class UnreachableDatabaseTest(test_fixtures.OpportunisticDBTestMixin,
                              _ProcessTest):
    """rintik-api waits, logging with a back-off, for a MariaDB that does
    not answer yet, and serves once it does."""

    FIXTURE = rintik_fixtures.MySQLDatabase
    SKIP_ON_UNAVAILABLE_DB = not os.environ.get('CI')

    def test_api_retries_until_the_database_answers(self):
        url = self._db_default.engine.url
        proxy = self.useFixture(tcp_proxy.TCPProxy((url.host,
                                                    url.port or 3306)))
        proxied = url.set(host='127.0.0.1', port=proxy.port)
        config = self.configure(
            proxied.render_as_string(hide_password=False),
            api={'port': _free_port(), 'auth_strategy': 'noauth'})
        self.assertEqual(0, self.manage(config, 'db', 'sync')[0])
        proxy.interrupt()
        api = self.start('rintik-api', '--config-file', config)
        self.wait_for_log('cannot be reached')
        self.wait_for_log('retrying in 2 s')
        self.assertIn(
            'ERROR rintik.db.readiness [-] The database %s cannot be '
            'reached: (2003, "Can\'t connect to MySQL server on '
            '\'127.0.0.1\' ([Errno 111] Connection refused)"); retrying '
            'in 1 s' % proxied.render_as_string(hide_password=True),
            self.log())
        proxy.resume()
        self.wait_for_log('rintik-api serving on', timeout=60)
        self.assertIsNone(api.poll())


class WSGITest(_ProcessTest):
    """The WSGI module finds its configuration as Nova's does, refuses to
    load without it, and runs on oslo.service's threading backend."""

    LOAD = ('import rintik.wsgi.api as api; '
            'from oslo_service import backend; '
            'print(backend.get_backend_type().value, '
            'api.application is not None, api.conf.CONF.api.port)')

    def load(self, env):
        result = subprocess.run(
            [sys.executable, '-c', self.LOAD], capture_output=True,
            text=True, timeout=60,
            env=dict({k: v for k, v in os.environ.items()
                      if 'RINTIK_CONFIG' not in k}, **env))
        return result.returncode, result.stdout, result.stderr

    def synced_config(self, name):
        config = self.configure(self.sqlite(), api={
            'auth_strategy': 'noauth'})
        self.manage(config, 'db', 'sync')
        os.rename(config, os.path.join(self.directory, name))

    def test_missing_config_refuses_to_load(self):
        returncode, stdout, stderr = self.load({
            'OS_RINTIK_CONFIG_DIR': self.directory,
            'OS_RINTIK_CONFIG_FILES': 'a.conf;b.conf'})
        self.assertNotEqual(0, returncode)
        a, b = (os.path.join(self.directory, name)
                for name in ('a.conf', 'b.conf'))
        expected = ('Rintik API: configuration file not found: %s, %s '
                    '(searched %s, %s; set OS_RINTIK_CONFIG_FILES, '
                    '";"-separated, and OS_RINTIK_CONFIG_DIR)' % (a, b, a, b))
        # The line first, then the traceback ending with it.
        lines = _lines(stderr)
        self.assertEqual((expected, 'rintik.wsgi.api.ConfigNotFound: '
                          + expected), (lines[0], lines[-1]))

    def test_default_path_is_etc_rintik(self):
        if os.path.exists('/etc/rintik/rintik.conf'):
            self.skipTest('/etc/rintik/rintik.conf exists on this host')
        returncode, stdout, stderr = self.load({})
        self.assertNotEqual(0, returncode)
        self.assertEqual(
            'Rintik API: configuration file not found: '
            '/etc/rintik/rintik.conf (searched /etc/rintik/rintik.conf; '
            'set OS_RINTIK_CONFIG_FILES, ";"-separated, and '
            'OS_RINTIK_CONFIG_DIR)', _lines(stderr)[0])

    def test_loads_the_files_named_on_threading(self):
        self.synced_config('rintik.conf')
        process.write_config(os.path.join(self.directory, 'extra.conf'),
                             {'api': {'port': 9999}})
        self.assertEqual((0, 'threading True 9999\n'), self.load({
            'OS_RINTIK_CONFIG_DIR': self.directory,
            'OS_RINTIK_CONFIG_FILES': 'rintik.conf;extra.conf'})[:2])

    def test_legacy_variable_still_read(self):
        self.synced_config('legacy.conf')
        self.assertEqual((0, 'threading True 8182\n'), self.load({
            'RINTIK_CONFIG_FILES': os.path.join(self.directory,
                                                'legacy.conf')})[:2])

    def test_refuses_schema_behind_head(self):
        config = self.configure(self.sqlite())
        returncode, stdout, stderr = self.load({
            'RINTIK_CONFIG_FILES': config})
        self.assertNotEqual(0, returncode)
        # Alone on stderr (the traceback is in the log file).
        expected = ('The database schema is at revision none (empty), not '
                    'at the head %s: %s' % (HEAD, SYNC))
        self.assertEqual([expected], _lines(stderr))
        self.assertIn('ERROR rintik.service [-] ' + expected, self.log())
