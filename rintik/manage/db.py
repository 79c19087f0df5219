"""rintik-manage db: schema migrations."""

from rintik.db import migration
from rintik.db import readiness
from rintik.manage import base


class DbCommands:
    description = 'Database schema.'

    def __init__(self, conf):
        self.conf = conf

    @base.args('--revision', default='head',
               help='Revision to migrate to (default: head).')
    def sync(self, revision):
        """Migrate the database to head (idempotent)."""
        readiness.current_revision(self.conf)
        try:
            migration.upgrade(revision)
        except migration.UnknownRevision as error:
            raise base.CommandError(str(error))

    def version(self):
        """Print the current revision."""
        print(readiness.current_revision(self.conf) or 'None')
