"""rintik-manage db: schema migrations."""

from rintik.db import migration
from rintik.manage import base


class DbCommands:
    description = 'Database schema.'

    def __init__(self, conf):
        self.conf = conf

    @base.args('--revision', default='head',
               help='Revision to migrate to (default: head).')
    def sync(self, revision):
        """Migrate the database to head (idempotent)."""
        migration.upgrade(revision)

    def version(self):
        """Print the current revision."""
        print(migration.version() or 'None')
