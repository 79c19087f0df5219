"""A RabbitMQ node of the test's own, to stop and restart at will.

It runs as the current user (RabbitMQ's own scripts, not the packaged
wrapper that switches to the rabbitmq user), with its own node name,
AMQP and distribution ports, data, log, config and plugins files, and no
rabbitmq-env.conf, so it never touches the shared broker.
"""

import os
import shutil
import socket
import subprocess

import fixtures

SCRIPTS = '/usr/lib/rabbitmq/bin'


class Unavailable(Exception):
    """RabbitMQ is not installed here."""


def _script(name):
    path = os.path.join(SCRIPTS, name)
    if os.access(path, os.X_OK):
        return path
    found = shutil.which(name)
    if found is None:
        raise Unavailable('%s is not installed' % name)
    return found


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class RabbitNode(fixtures.Fixture):
    """``start()``, ``stop()``, ``restart()``; stopped at cleanup."""

    def __init__(self, timeout=90):
        super().__init__()
        self.timeout = timeout
        self.name = 'rintik-test-%d@localhost' % os.getpid()
        self.port = None
        self.running = False

    @property
    def url(self):
        return 'amqp://guest:guest@127.0.0.1:%d//' % self.port

    @property
    def transport_url(self):
        return 'rabbit://guest:guest@127.0.0.1:%d/' % self.port

    def _setUp(self):
        self.server = _script('rabbitmq-server')
        self.ctl = _script('rabbitmqctl')
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.port = free_port()
        self.pid_file = os.path.join(self.directory, 'node.pid')
        files = {'rabbitmq.conf': 'listeners.tcp.default = 127.0.0.1:%d\n'
                                  % self.port,
                 'enabled_plugins': '[].\n', 'rabbitmq-env.conf': ''}
        for name, text in files.items():
            with open(os.path.join(self.directory, name), 'w') as stream:
                stream.write(text)
        self.env = dict(
            os.environ,
            RABBITMQ_NODENAME=self.name,
            RABBITMQ_NODE_IP_ADDRESS='127.0.0.1',
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(free_port()),
            RABBITMQ_MNESIA_BASE=os.path.join(self.directory, 'mnesia'),
            RABBITMQ_LOG_BASE=os.path.join(self.directory, 'log'),
            RABBITMQ_CONFIG_FILE=os.path.join(self.directory,
                                              'rabbitmq.conf'),
            RABBITMQ_CONF_ENV_FILE=os.path.join(self.directory,
                                                'rabbitmq-env.conf'),
            RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(self.directory,
                                                       'enabled_plugins'),
            RABBITMQ_PID_FILE=self.pid_file,
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=(
                '-kernel inet_dist_use_interface {127,0,0,1}'),
            ERL_EPMD_ADDRESS='127.0.0.1')
        self.addCleanup(self.stop)
        self.start()

    def _ctl(self, *args):
        result = subprocess.run(
            [self.ctl, '-n', self.name] + list(args), env=self.env,
            capture_output=True, text=True, timeout=self.timeout + 30)
        if result.returncode:
            raise AssertionError('rabbitmqctl %s failed: %s%s' % (
                ' '.join(args), result.stdout[-2000:],
                result.stderr[-2000:]))
        return result.stdout

    def start(self):
        """Start the node and wait until it accepts AMQP connections."""
        with open(os.path.join(self.directory, 'server.out'), 'ab') as out:
            self.process = subprocess.Popen(
                [self.server], env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        self.running = True
        self._ctl('wait', self.pid_file, '--timeout', str(self.timeout))

    def stop(self):
        """Stop the node cleanly (its durable queues are kept on disk)."""
        if not self.running:
            return
        self._ctl('stop', self.pid_file)
        self.process.wait(self.timeout)
        self.running = False

    def restart(self):
        self.stop()
        self.start()

    def queues(self):
        """{queue name: (durable, messages)} as the node lists them."""
        listed = {}
        for line in self._ctl('list_queues', '-q', '--no-table-headers',
                              'name', 'durable', 'messages').splitlines():
            name, durable, messages = line.split('\t')
            listed[name] = (durable == 'true', int(messages))
        return listed
