"""A real Keystone for tests and benchmarks, and rintik-api behind it.

Keystone is kept out of Rintik's environment: it is installed from PyPI
with uWSGI into a virtualenv of its own (``$RINTIK_KEYSTONE_VENV``, tox
sets ``.tox/keystone-venv``; else ``~/.cache/rintik/keystone-venv``),
once, then reused. ``python -m rintik.tests.functional.keystone_server
install`` does that ahead of the tests (tox's ``commands_pre``).

:class:`KeystoneServer` bootstraps a Keystone on SQLite with fernet
tokens in a temporary directory and serves it with uWSGI on a loopback
port; :class:`RintikApi` runs ``rintik-api`` validating tokens against
it. Both are fixtures that stop their processes at cleanup.
"""

import argparse
import contextlib
import fcntl
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time

import fixtures
import requests

from rintik.tests.functional.process import write_config

VENV_ENV = 'RINTIK_KEYSTONE_VENV'
REQUIREMENT_ENV = 'RINTIK_KEYSTONE_REQUIREMENT'
DEFAULT_REQUIREMENT = 'keystone'
# The marker a complete installation leaves, holding its requirements.
READY = '.rintik-keystone-ready'
BIN = os.path.dirname(sys.executable)
HOST = '127.0.0.1'
ADMIN = 'admin'
ADMIN_PASSWORD = 'keystone-admin-secret'
DOMAIN = 'default'
REGION = 'RegionOne'


class KeystoneUnavailable(Exception):
    """Keystone could not be installed or started."""


def venv_dir():
    """Where Keystone's own virtualenv lives."""
    path = os.environ.get(VENV_ENV)
    if path:
        return os.path.abspath(path)
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(
        os.path.expanduser('~'), '.cache')
    return os.path.join(cache, 'rintik', 'keystone-venv')


def _requirements():
    return [os.environ.get(REQUIREMENT_ENV) or DEFAULT_REQUIREMENT, 'uWSGI']


def _run(args, timeout, **kwargs):
    try:
        result = subprocess.run(args, capture_output=True, text=True,
                                timeout=timeout, **kwargs)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise KeystoneUnavailable('%s: %s' % (' '.join(args), error))
    if result.returncode:
        raise KeystoneUnavailable('%s exited with %d:\n%s' % (
            ' '.join(args), result.returncode,
            (result.stdout + result.stderr)[-4000:]))
    return result


def install(venv=None, timeout=1200):
    """Install Keystone and uWSGI into ``venv`` unless done already
    (uWSGI is compiled, so this needs a C compiler and a few minutes
    the first time). Returns the virtualenv's path."""
    venv = venv or venv_dir()
    marker = os.path.join(venv, READY)
    wanted = '\n'.join(_requirements())
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    with open(venv + '.lock', 'w') as lock:
        # One installation at a time (parallel test runners).
        fcntl.flock(lock, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError), open(marker) as stream:
            if stream.read() == wanted:
                return venv
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, '-m', 'venv', venv], 300)
        _run([os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install',
              '--quiet', '--disable-pip-version-check']
             + _requirements(), timeout)
        with open(marker, 'w') as stream:
            stream.write(wanted)
    return venv


def free_port():
    """A TCP port nobody listens on now (on the loopback address)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _tail(path, size=4000):
    try:
        with open(path, encoding='utf-8', errors='replace') as stream:
            return stream.read()[-size:]
    except FileNotFoundError:
        return ''


class _Process(fixtures.Fixture):
    """A server process in its own session, stopped at cleanup."""

    name = 'server'

    def _start(self, args, log_file, env=None):
        self.log_file = log_file
        with open(log_file, 'ab') as out:
            self.process = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        self.addCleanup(self.stop)

    def _wait_for(self, url, timeout, logs=()):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise KeystoneUnavailable('%s exited with %s:\n%s' % (
                    self.name, self.process.returncode, self.tail(logs)))
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise KeystoneUnavailable('%s not answering %s after %ss:'
                                          '\n%s' % (self.name, url, timeout,
                                                    self.tail(logs)))
            time.sleep(0.2)

    def tail(self, logs=()):
        return '\n'.join('--- %s\n%s' % (path, _tail(path))
                         for path in (self.log_file,) + tuple(logs))

    def stop(self, timeout=20):
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class KeystoneServer(_Process):
    """A Keystone on SQLite with fernet tokens, bootstrapped with an
    ``admin`` user (admin of project ``admin``) and the default roles
    (admin implies member implies reader), served by uWSGI.

    ``url`` is the identity endpoint (``http://127.0.0.1:PORT/v3``).
    """

    name = 'keystone'

    def __init__(self, directory=None, venv=None, processes=1, threads=4):
        super().__init__()
        self.directory = directory
        self.venv = venv
        self.processes = processes
        self.threads = threads

    def _setUp(self):
        self.venv = install(self.venv)
        if self.directory is None:
            self.directory = self.useFixture(fixtures.TempDir()).path
        os.makedirs(self.directory, exist_ok=True)
        self.port = free_port()
        self.url = 'http://%s:%d/v3' % (HOST, self.port)
        self.config_file = os.path.join(self.directory, 'keystone.conf')
        self.keystone_log = os.path.join(self.directory, 'keystone.log')
        write_config(self.config_file, {
            'DEFAULT': {'log_file': self.keystone_log},
            'database': {'connection': 'sqlite:///' + os.path.join(
                self.directory, 'keystone.db')},
            # The lowest bcrypt cost: issuing a token stays fast.
            'identity': {'password_hash_rounds': 4,
                         'max_password_length': 72},
            'token': {'provider': 'fernet'},
            'fernet_tokens': {'key_repository': os.path.join(
                self.directory, 'fernet-keys')},
            'fernet_receipts': {'key_repository': os.path.join(
                self.directory, 'fernet-keys')},
            'credential': {'key_repository': os.path.join(
                self.directory, 'credential-keys')},
        })
        self._bootstrap()
        self._serve()
        self._roles = {}
        self.admin_token = self.issue_token(ADMIN, ADMIN_PASSWORD,
                                            project_name=ADMIN)[0]
        self.admin_project_id = self.find('projects', ADMIN)

    def _manage(self, *args):
        return [os.path.join(self.venv, 'bin', 'keystone-manage'),
                '--config-file', self.config_file] + list(args)

    def _bootstrap(self):
        owner = ['--keystone-user', pwd.getpwuid(os.getuid()).pw_name,
                 '--keystone-group', grp.getgrgid(os.getgid()).gr_name]
        # Independent steps run side by side; bootstrap needs them all.
        steps = [self._manage('db_sync'),
                 self._manage('fernet_setup', *owner),
                 self._manage('credential_setup', *owner)]
        running = [subprocess.Popen(step, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
                   for step in steps]
        for step, process in zip(steps, running):
            output = process.communicate(timeout=300)[0]
            if process.returncode:
                raise KeystoneUnavailable('%s exited with %d:\n%s' % (
                    ' '.join(step), process.returncode, output[-4000:]))
        _run(self._manage(
            'bootstrap', '--bootstrap-password', ADMIN_PASSWORD,
            '--bootstrap-username', ADMIN,
            '--bootstrap-project-name', ADMIN,
            '--bootstrap-admin-url', self.url,
            '--bootstrap-internal-url', self.url,
            '--bootstrap-public-url', self.url,
            '--bootstrap-region-id', REGION), 300)

    def _serve(self):
        uwsgi = os.path.join(self.venv, 'bin', 'uwsgi')
        public = os.path.join(self.venv, 'bin', 'keystone-wsgi-public')
        if os.path.exists(public):
            application = ['--wsgi-file', public]
        else:
            # Keystone 2025.2 and later ship no WSGI script.
            application = ['--module', 'keystone.wsgi.api:application']
        env = dict(os.environ, OS_KEYSTONE_CONFIG_FILES=self.config_file)
        env.pop('PYTHONPATH', None)
        self._start([
            uwsgi, '--http-socket', '%s:%d' % (HOST, self.port),
            '--virtualenv', self.venv, '--master',
            '--processes', str(self.processes),
            '--threads', str(self.threads), '--enable-threads',
            '--need-app', '--die-on-term', '--disable-logging',
            # Without it clients reusing pooled connections fail.
            '--add-header', 'Connection: close',
            '--buffer-size', '65535'] + application,
            os.path.join(self.directory, 'uwsgi.log'), env=env)
        self._wait_for(self.url, 120, (self.keystone_log,))

    def tail(self, logs=None):
        return super().tail((self.keystone_log,))

    # The identity API ---------------------------------------------------

    def request(self, method, path, token=None, expect=(200, 201, 204),
                **kwargs):
        headers = kwargs.pop('headers', {})
        headers['X-Auth-Token'] = token or self.admin_token
        response = requests.request(method, self.url + path,
                                    headers=headers, timeout=60, **kwargs)
        if response.status_code not in expect:
            raise AssertionError('%s %s: %d %s' % (
                method, path, response.status_code, response.text[:2000]))
        return response

    def issue_token(self, username, password, project_id=None,
                    project_name=None):
        """(token, token body) of a password authentication scoped to a
        project of the default domain."""
        project = {'id': project_id} if project_id else {
            'name': project_name, 'domain': {'id': DOMAIN}}
        response = requests.post(self.url + '/auth/tokens', json={
            'auth': {
                'identity': {'methods': ['password'], 'password': {
                    'user': {'name': username, 'domain': {'id': DOMAIN},
                             'password': password}}},
                'scope': {'project': project}}}, timeout=60)
        if response.status_code != 201:
            raise AssertionError('token for %s: %d %s' % (
                username, response.status_code, response.text[:2000]))
        return response.headers['X-Subject-Token'], response.json()['token']

    def revoke_token(self, token):
        """Revoke ``token`` (DELETE /v3/auth/tokens)."""
        self.request('DELETE', '/auth/tokens',
                     headers={'X-Subject-Token': token})

    def validate_token(self, token):
        """The HTTP status Keystone gives ``token`` (200 or 404)."""
        return self.request('GET', '/auth/tokens', expect=(200, 404),
                            headers={'X-Subject-Token': token}).status_code

    def find(self, collection, name):
        """The id of the named project, user or role."""
        found = self.request('GET', '/%s' % collection,
                             params={'name': name}).json()[collection]
        if len(found) != 1:
            raise AssertionError('%d %s named %s' % (len(found), collection,
                                                     name))
        return found[0]['id']

    def create_project(self, name):
        return self.request('POST', '/projects', json={'project': {
            'name': name, 'domain_id': DOMAIN}}).json()['project']['id']

    def create_user(self, name, password, project_id=None):
        user = {'name': name, 'password': password, 'domain_id': DOMAIN}
        if project_id:
            user['default_project_id'] = project_id
        return self.request('POST', '/users', json={
            'user': user}).json()['user']['id']

    def grant(self, user_id, project_id, role):
        """Give ``user_id`` the named role on ``project_id``."""
        if role not in self._roles:
            self._roles[role] = self.find('roles', role)
        self.request('PUT', '/projects/%s/users/%s/roles/%s' % (
            project_id, user_id, self._roles[role]))

    def add_user(self, name, password, project_id, role):
        """A new user with ``role`` on ``project_id``; its id."""
        user_id = self.create_user(name, password, project_id)
        self.grant(user_id, project_id, role)
        return user_id

    def authtoken_options(self, **overrides):
        """The [keystone_authtoken] section of a service validating
        tokens with this Keystone (the admin as service user, no
        memcached: keystonemiddleware's in-process token cache)."""
        options = {
            'www_authenticate_uri': self.url,
            'auth_url': self.url,
            'auth_type': 'password',
            'username': ADMIN,
            'password': ADMIN_PASSWORD,
            'project_name': ADMIN,
            'user_domain_id': DOMAIN,
            'project_domain_id': DOMAIN,
            'region_name': REGION,
            'interface': 'public',
        }
        options.update(overrides)
        return options


class RintikApi(_Process):
    """``rintik-api`` (the built-in threaded server) with ``sections``
    as its configuration; ``url`` is its root."""

    name = 'rintik-api'

    def __init__(self, directory, sections, name='rintik-api'):
        super().__init__()
        self.directory = directory
        self.port = free_port()
        self.url = 'http://%s:%d' % (HOST, self.port)
        self.config_file = os.path.join(directory, name + '.conf')
        self.api_log = os.path.join(directory, name + '.log')
        sections = {key: dict(value) for key, value in sections.items()}
        sections.setdefault('DEFAULT', {}).setdefault('log_file',
                                                      self.api_log)
        sections.setdefault('api', {}).update(host=HOST, port=self.port)
        write_config(self.config_file, sections)

    def _setUp(self):
        self._start([os.path.join(BIN, 'rintik-api'), '--config-file',
                     self.config_file],
                    os.path.join(self.directory, 'rintik-api.out'))
        self._wait_for(self.url + '/healthcheck', 60, (self.api_log,))

    def tail(self, logs=None):
        return super().tail((self.api_log,))


def main(argv=None):
    """``install [VENV]``: install Keystone for the functional tests.
    A failure fails the command in CI ($CI set); elsewhere it only
    warns, and the tests that need Keystone skip."""
    parser = argparse.ArgumentParser(prog='keystone_server')
    parser.add_argument('command', choices=['install'])
    parser.add_argument('venv', nargs='?', default=None)
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        venv = install(args.venv)
    except KeystoneUnavailable as error:
        print('Keystone could not be installed: %s' % error,
              file=sys.stderr)
        return 1 if os.environ.get('CI') else 0
    print('Keystone ready in %s (%.0f s)' % (venv,
                                              time.monotonic() - started))
    return 0


if __name__ == '__main__':
    sys.exit(main())
