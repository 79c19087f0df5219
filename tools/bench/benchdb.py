"""The scratch database (MariaDB, or a SQLite file) every benchmark
creates, fills and drops."""

import os

import pymysql

INSERT_BATCH = 5000


def add_arguments(parser, default_name):
    """The --db-* options of a benchmark."""
    parser.add_argument('--db-name', default=default_name)
    parser.add_argument('--db-host', default='127.0.0.1')
    parser.add_argument('--db-port', type=int, default=3306)
    parser.add_argument('--db-user', default='root')
    parser.add_argument('--db-password', default='')


class Database:
    """A database of its own on the MariaDB server the options name."""

    def __init__(self, args):
        self.name = args.db_name
        self.params = {'host': args.db_host, 'port': args.db_port,
                       'user': args.db_user, 'password': args.db_password}
        self.url = 'mysql+pymysql://%s%s@%s:%d/%s?charset=utf8mb4' % (
            args.db_user, ':' + args.db_password if args.db_password else '',
            args.db_host, args.db_port, self.name)

    def _server(self):
        return pymysql.connect(autocommit=True, **self.params)

    def recreate(self):
        """Drop the database if it exists and create it empty."""
        with self._server() as connection, connection.cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS `%s`' % self.name)
            cursor.execute('CREATE DATABASE `%s` CHARACTER SET utf8mb4'
                           % self.name)

    def drop(self):
        with self._server() as connection, connection.cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS `%s`' % self.name)

    def connect(self):
        """A plain PyMySQL connection to the database."""
        return pymysql.connect(database=self.name, autocommit=True,
                               **self.params)


def insert(connection, table, rows):
    """Bulk-insert ``rows`` into ``table`` (SQLAlchemy core) in batches."""
    for index in range(0, len(rows), INSERT_BATCH):
        connection.execute(table.insert(), rows[index:index + INSERT_BATCH])


class SQLiteDatabase:
    """A SQLite file of its own in ``directory`` (the same interface as
    Database, for benchmarks that default to SQLite)."""

    def __init__(self, directory, name):
        self.name = os.path.join(directory, name + '.sqlite')
        self.url = 'sqlite:///%s' % self.name

    def recreate(self):
        self.drop()

    def drop(self):
        if os.path.exists(self.name):
            os.unlink(self.name)
