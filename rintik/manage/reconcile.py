"""rintik-manage reconcile: repair what lost notifications left wrong."""

import sys

from rintik.common import clock
from rintik.common import openstack
from rintik import context as rintik_context
from rintik.manage import base
from rintik.reconcile import repair

COLUMNS = ('status', 'kind', 'resource_type', 'resource_id', 'project_id',
           'at', 'billed', 'found')


def _row(difference):
    return {'status': difference.status, 'kind': difference.kind,
            'resource_type': difference.resource_type,
            'resource_id': difference.resource_id,
            'project_id': difference.project_id,
            'at': base.format_time(difference.at),
            'billed': difference.billed, 'found': difference.found}


class ReconcileCommand:
    description = ('Compare what Rintik bills with what OpenStack lists '
                   'and repair the differences.')

    def __init__(self, conf):
        self.conf = conf
        self.context = rintik_context.get_admin_context()

    @base.FORMAT_ARG
    @base.args('--dry-run', action='store_true',
               help='Print the differences and change nothing.')
    @base.args('--project-id', default=None,
               help='Only repair this project\'s resources.')
    def __call__(self, project_id, dry_run, format):
        now = clock.utcnow()
        try:
            report = repair.run(self.context, self.conf, now, project_id,
                                dry_run)
        except (repair.Refused, openstack.NotConfigured) as error:
            raise base.CommandError(str(error))
        if not report.ran:
            print('Another reconciliation is running; nothing done.')
            return
        rows = [_row(difference) for difference in report.differences]
        if format == 'json':
            base.print_json({'differences': rows,
                             'warnings': report.warnings})
            return
        if rows:
            base.print_table(COLUMNS, rows)
        else:
            print('Nothing to repair.')
        for warning in report.warnings:
            sys.stderr.write('WARNING: %s\n' % warning)
