"""The scratch database every benchmark creates, fills and drops.

MariaDB for every benchmark; the ingest and burst benchmarks also run on
PostgreSQL and SQLite (``--backend``).
"""

import os

import pymysql
import sqlalchemy as sa

INSERT_BATCH = 5000
BACKENDS = ('mariadb', 'postgresql', 'sqlite')
# What an unset --db-* option means on each server.
DEFAULTS = {'mariadb': {'port': 3306, 'user': 'root', 'password': ''},
            'postgresql': {'port': 5432, 'user': 'openstack_citest',
                           'password': 'openstack_citest'}}


def add_arguments(parser, default_name, backends=False):
    """The --db-* options of a benchmark (and --backend when it runs on
    every backend)."""
    if backends:
        parser.add_argument(
            '--backend', choices=BACKENDS, default='mariadb',
            help='database server (default mariadb; postgresql uses '
                 'oslo.db\'s openstack_citest user by default; sqlite a '
                 'file in WAL mode in the work directory)')
    parser.add_argument('--db-name', default=default_name)
    parser.add_argument('--db-host', default='127.0.0.1')
    parser.add_argument('--db-port', type=int)
    parser.add_argument('--db-user')
    parser.add_argument('--db-password')


def _option(args, backend, name):
    value = getattr(args, 'db_' + name)
    return DEFAULTS[backend][name] if value is None else value


class Database:
    """A database of its own on the MariaDB server the options name."""

    backend = 'mariadb'

    def __init__(self, args):
        self.name = args.db_name
        user = _option(args, self.backend, 'user')
        password = _option(args, self.backend, 'password')
        port = _option(args, self.backend, 'port')
        self.params = {'host': args.db_host, 'port': port, 'user': user,
                       'password': password}
        self.url = 'mysql+pymysql://%s%s@%s:%d/%s?charset=utf8mb4' % (
            user, ':' + password if password else '', args.db_host, port,
            self.name)
        self._engine = None

    def _server(self):
        return pymysql.connect(autocommit=True, **self.params)

    def recreate(self):
        """Drop the database if it exists and create it empty."""
        with self._server() as connection, connection.cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS `%s`' % self.name)
            cursor.execute('CREATE DATABASE `%s` CHARACTER SET utf8mb4'
                           % self.name)

    def prepare(self):
        """Anything the schema needs after ``rintik-manage db sync``."""

    def drop(self):
        self.close()
        with self._server() as connection, connection.cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS `%s`' % self.name)

    def connect(self):
        """A plain PyMySQL connection to the database."""
        return pymysql.connect(database=self.name, autocommit=True,
                               **self.params)

    def scalar(self, query):
        """The first column of the first row of ``query`` (SQL text),
        read outside any long transaction."""
        if self._engine is None:
            self._engine = sa.create_engine(self.url, poolclass=sa.pool
                                            .NullPool)
        with self._engine.connect() as connection:
            return connection.execute(sa.text(query)).scalar()

    def close(self):
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class PostgreSQLDatabase(Database):
    """A database of its own on the PostgreSQL server the options name."""

    backend = 'postgresql'

    def __init__(self, args):
        super().__init__(args)
        self.url = 'postgresql+psycopg2://%s:%s@%s:%d/%s' % (
            self.params['user'], self.params['password'], args.db_host,
            self.params['port'], self.name)
        self.server_url = self.url.rsplit('/', 1)[0] + '/postgres'

    def _admin(self, *statements):
        engine = sa.create_engine(self.server_url,
                                  isolation_level='AUTOCOMMIT')
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(sa.text(statement))
        finally:
            engine.dispose()

    def recreate(self):
        self._admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.name,
                    'CREATE DATABASE "%s"' % self.name)

    def drop(self):
        self.close()
        self._admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.name)


class SQLiteDatabase(Database):
    """A database file in the work directory, in WAL mode (readers do not
    block the writer: the benchmark polls while the monitor writes)."""

    backend = 'sqlite'

    def __init__(self, args, workdir):
        self.name = os.path.join(workdir, '%s.sqlite' % args.db_name)
        self.url = 'sqlite:///%s' % self.name
        self._engine = None

    def recreate(self):
        self.drop()

    def prepare(self):
        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql('PRAGMA journal_mode=WAL')
        finally:
            engine.dispose()

    def drop(self):
        self.close()
        for suffix in ('', '-wal', '-shm', '-journal'):
            if os.path.exists(self.name + suffix):
                os.remove(self.name + suffix)


def database(args, workdir=None):
    """The scratch database of ``args.backend`` (MariaDB by default)."""
    backend = getattr(args, 'backend', 'mariadb')
    if backend == 'postgresql':
        return PostgreSQLDatabase(args)
    if backend == 'sqlite':
        return SQLiteDatabase(args, workdir)
    return Database(args)


def insert(connection, table, rows):
    """Bulk-insert ``rows`` into ``table`` (SQLAlchemy core) in batches."""
    for index in range(0, len(rows), INSERT_BATCH):
        connection.execute(table.insert(), rows[index:index + INSERT_BATCH])
