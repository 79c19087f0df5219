"""rintik-manage db: schema migrations and retention."""


from rintik.common import clock
from rintik import context as rintik_context
from rintik.db import migration
from rintik.db import purge as db_purge
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

    @base.args('--before', required=True, metavar='T',
               help='Remove usage needed only by issued periods that ended '
                    'by T (ISO 8601).')
    def purge(self, before):
        """Remove usage needed only by issued periods older than T.

        Only resources gone by T whose every period is issued (and
        ended by T) lose their observations and intervals; late usage
        older than the retention is final: a notification about such a
        resource no longer changes anything. Invoices are unchanged."""
        summary = db_purge.purge(
            rintik_context.get_admin_context(), base.parse_time(before),
            self.conf.billing.timezone, clock.utcnow())
        print('Purged %d resources: %d observations and %d usage intervals '
              'removed' % summary)
