"""The DevStack plugin run phase by phase against stand-ins of DevStack's
functions (stub.sh): the files it writes and the calls it makes."""

import configparser
import os
import shutil
import subprocess
import tempfile

import testtools

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
PLUGIN_DIR = os.path.join(TOP, 'devstack')
PHASES = ('stack install', 'stack post-config', 'stack extra', 'unstack',
          'clean')
HARNESS = '''
set -o errexit
source %(stub)s
source %(plugin)s/settings
for phase in "${PHASES[@]}"; do
    stub_record PHASE $phase
    source %(plugin)s/plugin.sh $phase
done
'''
FAKE_MANAGE = '''#!/bin/bash
IFS=$'\\t'
echo "rintik-manage	$*" >> $STUB_LOG
'''


def read_ini(path):
    parser = configparser.ConfigParser(interpolation=None,
                                       default_section='no default section')
    parser.optionxform = str
    parser.read(path, encoding='utf-8')
    return {section: dict(parser.items(section, raw=True))
            for section in parser.sections()}


class DevStackPluginTest(testtools.TestCase):
    """Every phase runs once for the class (a stub call is a process)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix='rintik-devstack-')
        cls.addClassCleanup(shutil.rmtree, cls.root)
        cls.etc = os.path.join(cls.root, 'etc')
        cls.bin = os.path.join(cls.root, 'bin')
        # install_rintik's "sudo install -d" is only recorded.
        for directory in ('nova', 'rintik'):
            os.makedirs(os.path.join(cls.etc, directory))
        os.makedirs(cls.bin)
        manage = os.path.join(cls.bin, 'rintik-manage')
        with open(manage, 'w') as stream:
            stream.write(FAKE_MANAGE)
        os.chmod(manage, 0o755)
        cls.log = os.path.join(cls.root, 'calls.log')
        # Files DevStack wrote before the plugin's phases. Glance is not
        # enabled: its file does not exist and must not be created.
        cls.write('keystone.conf', '[DEFAULT]\n')
        cls.write('nova/nova.conf',
                  '[notifications]\nnotification_format = versioned\n')
        cls.write('nova/nova_cell1.conf', '[DEFAULT]\n')
        cls.write('cinder.conf', '[DEFAULT]\n')
        cls.write('neutron.conf',
                  '[oslo_messaging_notifications]\ntopics = alarm\n')
        cls.calls, cls.failure = cls.run_plugin()

    def setUp(self):
        super().setUp()
        self.assertIsNone(self.failure)

    @classmethod
    def path(cls, name):
        return os.path.join(cls.etc, name)

    @classmethod
    def write(cls, name, text):
        with open(cls.path(name), 'w') as stream:
            stream.write(text)

    @classmethod
    def run_plugin(cls):
        """({phase: [(function, argument...)]}, None), or (None, the
        error) when the plugin failed."""
        environment = dict(
            os.environ, STUB_LOG=cls.log, STUB_BIN=cls.bin,
            DEST='/opt/stack', DATA_DIR='/opt/stack/data',
            STACK_USER='stack', SERVICE_HOST='192.0.2.10',
            SERVICE_PROTOCOL='http', REGION_NAME='RegionOne',
            SERVICE_TIMEOUT='60', ENABLE_DEBUG_LOG_LEVEL='True',
            ENABLED_SERVICES='key,n-api,n-cpu,c-api,q-svc,rintik-api,'
                             'rintik-monitor',
            RINTIK_CONF_DIR=cls.path('rintik'),
            KEYSTONE_CONF=cls.path('keystone.conf'),
            NOVA_CONF_DIR=cls.path('nova'),
            NOVA_CONF=cls.path('nova/nova.conf'),
            CINDER_CONF=cls.path('cinder.conf'),
            NEUTRON_CONF=cls.path('neutron.conf'),
            GLANCE_API_CONF=cls.path('glance-api.conf'))
        environment.pop('RINTIK_DURABLE_QUEUES', None)
        script = 'PHASES=(%s)\n' % ' '.join('"%s"' % p for p in PHASES)
        script += HARNESS % {'stub': os.path.join(HERE, 'stub.sh'),
                             'plugin': PLUGIN_DIR}
        finished = subprocess.run(['bash', '-c', script], env=environment,
                                  capture_output=True, text=True,
                                  timeout=120)
        if finished.returncode:
            return None, 'exit %d: %s' % (finished.returncode,
                                          finished.stderr[-4000:])
        calls = {}
        phase = None
        with open(cls.log) as stream:
            for line in stream.read().splitlines():
                name, *args = line.split('\t')
                if name == 'PHASE':
                    phase = ' '.join(args)
                    calls[phase] = []
                elif name not in ('echo_summary', 'enable_service'):
                    calls[phase].append((name, *args))
        return calls, None

    def written(self, calls, name):
        """Whether an iniset of ``calls`` wrote file ``name``."""
        return any(call[0] == 'iniset' and call[1] == self.path(name)
                   for call in calls)

    def test_producers_notify_before_they_start(self):
        calls = self.calls
        notifying = {'driver': 'messagingv2', 'topics': 'notifications'}
        durable = {'amqp_durable_queues': 'True'}
        # Keystone starts right after "install": written then, not later.
        self.assertTrue(self.written(calls['stack install'],
                                     'keystone.conf'))
        self.assertFalse(self.written(calls['stack post-config'],
                                      'keystone.conf'))
        self.assertEqual(
            {'DEFAULT': {}, 'oslo_messaging_notifications': notifying,
             'oslo_messaging_rabbit': durable},
            read_ini(self.path('keystone.conf')))
        # Nova, Cinder, Neutron start after "post-config".
        for name in ('nova/nova.conf', 'nova/nova_cell1.conf',
                     'cinder.conf', 'neutron.conf'):
            self.assertFalse(self.written(calls['stack install'], name))
            self.assertTrue(self.written(calls['stack post-config'], name))
        self.assertEqual(
            {'notifications': {'notification_format': 'both',
                               'notify_on_state_change':
                                   'vm_and_task_state'},
             'oslo_messaging_notifications': notifying,
             'oslo_messaging_rabbit': durable},
            read_ini(self.path('nova/nova.conf')))
        self.assertEqual(
            {'DEFAULT': {}, 'oslo_messaging_notifications': notifying,
             'oslo_messaging_rabbit': durable},
            read_ini(self.path('nova/nova_cell1.conf')))
        self.assertEqual(notifying, read_ini(
            self.path('cinder.conf'))['oslo_messaging_notifications'])
        # Topics a producer already notifies on are kept.
        self.assertEqual(
            {'driver': 'messagingv2', 'topics': 'alarm,notifications'},
            read_ini(self.path('neutron.conf'))[
                'oslo_messaging_notifications'])
        self.assertFalse(os.path.exists(self.path('glance-api.conf')))

    def test_rintik_configuration(self):
        calls = self.calls
        rintik = read_ini(self.path('rintik/rintik.conf'))
        self.assertEqual(
            {'DEFAULT': {
                'state_path': '/opt/stack/data/rintik', 'debug': 'True',
                'transport_url':
                    'rabbit://stackrabbit:secret@127.0.0.1:5672/'},
             'oslo_messaging_rabbit': {'amqp_durable_queues': 'True'},
             'database': {'connection': 'mysql+pymysql://root:secret@'
                                        '127.0.0.1/rintik?charset=utf8'},
             'notification': {'workers': '1', 'pool_name': 'rintik',
                              'topics': 'notifications'},
             'api': {'auth_strategy': 'keystone'}}, rintik)
        post_config = calls['stack post-config']
        uwsgi_conf = self.path('rintik/rintik-api-uwsgi.ini')
        self.assertIn(('configure_keystone_authtoken_middleware',
                       self.path('rintik/rintik.conf'), 'rintik'),
                      post_config)
        self.assertIn(('write_uwsgi_config', uwsgi_conf,
                       'rintik.wsgi.api:application', '/billing', '',
                       'rintik-api'), post_config)
        self.assertEqual(
            {'uwsgi': {'env': 'OS_RINTIK_CONFIG_FILES=%s'
                              % self.path('rintik/rintik.conf')}},
            read_ini(uwsgi_conf))
        self.assertEqual(
            [('create_service_user', 'rintik', 'admin'),
             ('get_or_create_service', 'rintik', 'billing',
              'Rintik billing service'),
             ('get_or_create_endpoint', 'billing', 'RegionOne',
              'http://192.0.2.10/billing')],
            [call for call in post_config if call[0].startswith(
                ('create_', 'get_or_create_'))])

    def test_database_then_services(self):
        calls = self.calls
        self.assertIn(('setup_develop', '/opt/stack/rintik'),
                      calls['stack install'])
        conf = self.path('rintik/rintik.conf')
        uwsgi_conf = self.path('rintik/rintik-api-uwsgi.ini')
        self.assertEqual(
            [('recreate_database', 'rintik'),
             ('rintik-manage', '--config-file', conf, 'db', 'sync'),
             ('run_process', 'rintik-monitor',
              '%s/rintik-monitor --config-file %s' % (self.bin, conf)),
             ('run_process', 'rintik-api',
              '/usr/local/bin/uwsgi --procname-prefix rintik-api --ini %s'
              % uwsgi_conf),
             ('wait_for_service', '60',
              'http://192.0.2.10/billing/healthcheck')],
            calls['stack extra'])
        self.assertEqual([('stop_process', 'rintik-monitor'),
                          ('stop_process', 'rintik-api')],
                         calls['unstack'])
        self.assertEqual(
            [('remove_uwsgi_config', uwsgi_conf, 'rintik-api'),
             ('sudo', 'rm', '-rf', self.path('rintik'),
              '/opt/stack/data/rintik')],
            calls['clean'])
