"""rintik-manage commands that call OpenStack: check-openstack and
invoice unpaid-actions."""

from rintik.common import openstack
from rintik import exception
from rintik.manage import base
from rintik.rating import unpaid


def unpaid_actions(conf, context, now, dry_run):
    """Run the unpaid-invoice steps and print what was (or would be)
    done; a handled error when a step or resource action failed."""
    try:
        report = unpaid.run(context, conf, now, dry_run)
    except (exception.Invalid, openstack.NotConfigured) as error:
        raise base.CommandError(str(error))
    if not report.ran:
        print('Another unpaid-actions run is running; nothing done.')
        return
    for line in report.lines:
        print(line)
    if not report.lines:
        print('Nothing to do.')
    if report.failures:
        raise base.CommandError('%d steps or resource actions failed; '
                                'they are retried at the next run.'
                                % report.failures)


class CheckOpenStackCommand:
    description = ('Verify the [openstack] credentials, the admin role '
                   'and the endpoints.')

    def __init__(self, conf):
        self.conf = conf

    def __call__(self):
        results = openstack.check(self.conf)
        for result in results:
            print('%-4s %s: %s' % ('OK' if result.ok else 'FAIL',
                                   result.name, result.detail))
        failed = [result.name for result in results if not result.ok]
        if failed:
            raise base.CommandError('Failed: %s' % ', '.join(failed))
