"""rintik.db.engine: MariaDB/MySQL connections always use utf8mb4."""

from unittest import mock

from rintik.db import engine
from rintik.tests import base


class Utf8mb4UrlTestCase(base.TestCase):

    def test_charset_added_to_a_mysql_url(self):
        self.assertEqual(
            'mysql+pymysql://rintik:p%40ss@db/rintik?charset=utf8mb4',
            engine.utf8mb4_url(
                'connection', 'mysql+pymysql://rintik:p%40ss@db/rintik'))
        self.assertEqual(
            'mariadb+pymysql://r:p@db/rintik?charset=utf8mb4&read_timeout=5',
            engine.utf8mb4_url(
                'connection', 'mariadb+pymysql://r:p@db/rintik?'
                'read_timeout=5'))

    def test_utf8mb4_is_kept(self):
        for url in ('mysql+pymysql://r:p@db/rintik?charset=utf8mb4',
                    'mysql://r:p@db/rintik?charset=UTF8MB4'):
            self.assertEqual(url, engine.utf8mb4_url('connection', url))

    def test_other_backends_are_untouched(self):
        for url in ('sqlite:////var/lib/rintik/rintik.sqlite',
                    'postgresql+psycopg2://r:p@db/rintik'):
            self.assertEqual(url, engine.utf8mb4_url('connection', url))

    def test_another_charset_is_refused_in_one_line(self):
        for charset in ('utf8', 'utf8mb3', 'latin1', 'utf8mb4&charset=utf8'):
            with self.subTest(charset=charset):
                error = self.assertRaises(
                    engine.UnsupportedConnection, engine.utf8mb4_url,
                    'connection',
                    'mysql+pymysql://r:s3cret@db/rintik?charset=' + charset)
                message = str(error)
                self.assertNotIn('\n', message)
                self.assertNotIn('s3cret', message)
                self.assertTrue(message.startswith(
                    '[database] connection: charset='), message)
                self.assertIn('need charset=utf8mb4', message)

    def test_configure_applies_it(self):
        self.config(group='database',
                    connection='mysql+pymysql://r:p@db/rintik',
                    slave_connection='mysql+pymysql://r:p@replica/rintik')
        with mock.patch.object(engine.main_context_manager,
                               'configure') as configure:
            engine.configure(self.conf)
        options = configure.call_args.kwargs
        self.assertEqual('mysql+pymysql://r:p@db/rintik?charset=utf8mb4',
                         options['connection'])
        self.assertEqual(
            'mysql+pymysql://r:p@replica/rintik?charset=utf8mb4',
            options['slave_connection'])

    def test_configure_or_exit_ends_with_the_reason(self):
        self.config(group='database',
                    connection='mysql+pymysql://r:p@db/rintik?charset=utf8')
        error = self.assertRaises(SystemExit, engine.configure_or_exit,
                                  self.conf)
        self.assertEqual(
            '[database] connection: charset=utf8 is refused: MariaDB and '
            'MySQL need charset=utf8mb4 to store every character; set it '
            'or leave charset out of the URL.', error.code)
