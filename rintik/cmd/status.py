"""rintik-status: ``rintik-status upgrade check`` (oslo.upgradecheck).

Run it before (re)starting the services on new code: it checks what the
services need and would otherwise only find out at run time. Exit status
0 (all passed), 1 (a warning), 2 (a failure), 255 (an unexpected error).
"""

import collections
import re
import sys

from alembic import config as alembic_config
from alembic import script as alembic_script
from oslo_policy import policy as oslo_policy
from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck

from rintik.common import policies
from rintik import conf
from rintik import context as rintik_context
from rintik.db import engine
from rintik.db import invoices as db_invoices
from rintik.db import migration
from rintik.i18n import _
from rintik.notification import durability
from rintik.rating import unpriced

CONF = conf.CONF
Code = upgradecheck.Code
Result = upgradecheck.Result

# The topic every OpenStack service notifies on by default, and so the
# one Ceilometer and others consume: sharing its queue splits messages.
SHARED_TOPIC = 'notifications'
# The resource types whose price key names a flavor or a volume type.
KEYED_TYPES = {'instance': 'flavor', 'volume': 'volume type'}


def head_revisions():
    """The head revision(s) of Rintik's migrations."""
    config = alembic_config.Config(migration.ALEMBIC_INI)
    return set(alembic_script.ScriptDirectory.from_config(config).get_heads())


def check_queue(conf_object):
    """The broker's answer on the monitor's queue: None when it is durable,
    else a sentence saying what is wrong (the monitor's own start-up
    check, rintik.notification.durability)."""
    result = durability.check_queue(conf_object)
    return None if result.ok else result.message


class UpgradeChecks(upgradecheck.UpgradeCommands):
    """Rintik's readiness checks, in the order they are printed."""

    display_title = _('Rintik upgrade check results')

    def __init__(self, conf_object=CONF):
        super().__init__()
        self.conf = conf_object

    def check(self):
        """Point the database layer at the configuration, then run every
        check. Logging stays Python's default (warnings on stderr) so
        that stdout holds only the results."""
        engine.configure(self.conf)
        return super().check()

    def _database_at_head(self):
        try:
            current = migration.version()
        except Exception as error:
            return Result(Code.FAILURE, _(
                'The database cannot be read (%s). Check [database] '
                'connection.') % type(error).__name__)
        heads = head_revisions()
        if current in heads:
            return Result(Code.SUCCESS)
        return Result(Code.FAILURE, _(
            'The database is at revision %(current)s, not at %(head)s: run '
            '"rintik-manage db sync".') % {
                'current': current or _('none (never migrated)'),
                'head': ', '.join(sorted(heads))})

    def _policy_file(self):
        enforcer = oslo_policy.Enforcer(self.conf)
        enforcer.register_defaults(policies.list_rules())
        try:
            enforcer.load_rules()
        except Exception as error:
            return Result(Code.FAILURE, _(
                'The policy file %(file)s cannot be read: %(error)s') % {
                    'file': enforcer.policy_file, 'error': error})
        if not enforcer.policy_path:
            return Result(Code.SUCCESS, _(
                'No policy file (%s): the defaults in code apply.')
                % enforcer.policy_file)
        problems = []
        unknown = _unknown_rules(enforcer)
        if unknown:
            problems.append(_('it names rules Rintik does not have: %s')
                            % ', '.join(unknown))
        unparsed = [name for name, rule in sorted(enforcer.file_rules.items())
                    if str(enforcer.rules[name]) == '!' and
                    rule.check_str.strip() != '!']
        if unparsed:
            problems.append(_('these rules do not parse (they deny '
                              'everyone): %s') % ', '.join(unparsed))
        if not enforcer.check_rules():
            problems.append(_('a rule refers to an undefined rule or to '
                              'itself (see the log)'))
        if problems:
            return Result(Code.FAILURE, _('Policy file %(file)s: %(what)s.')
                          % {'file': enforcer.policy_path,
                             'what': '; '.join(problems)})
        return Result(Code.SUCCESS)

    def _policy_format(self):
        return common_checks.check_policy_json(self, self.conf)

    def _notification_settings(self):
        group = self.conf.notification
        problems = []
        if not group.exchanges:
            problems.append(_('[notification] exchanges is empty: the '
                              'monitor would bind to nothing'))
        if not group.topics:
            problems.append(_('[notification] topics is empty'))
        if not group.pool_name and SHARED_TOPIC in group.topics:
            problems.append(_(
                'without [notification] pool_name the monitor shares the '
                '"%s" queue with every other consumer (Ceilometer), which '
                'takes some of its messages: set pool_name, or consume a '
                'topic of Rintik\'s own') % SHARED_TOPIC)
        if problems:
            return Result(Code.FAILURE, '; '.join(problems) + '.')
        return Result(Code.SUCCESS)

    def _durable_queue(self):
        try:
            problem = check_queue(self.conf)
        except Exception as error:
            return Result(Code.FAILURE, _(
                'The monitor\'s queue could not be checked on the broker: '
                '%s') % error)
        if problem:
            return Result(Code.FAILURE, problem)
        return Result(Code.SUCCESS)

    def _unpriced_usage(self):
        if self._database_at_head().code != Code.SUCCESS:
            return Result(Code.WARNING, _(
                'Not checked: the database is not at head.'))
        context = rintik_context.get_admin_context()
        since = db_invoices.oldest_open_period(context)
        if since is None:
            return Result(Code.SUCCESS, _('No invoice period is open.'))
        keys = collections.defaultdict(set)
        for row in unpriced.unpriced_usage(context, since):
            if row.resource_type in KEYED_TYPES:
                keys[KEYED_TYPES[row.resource_type]].add(row.price_key)
        if not keys:
            return Result(Code.SUCCESS)
        listed = '; '.join('%s %s' % (kind, ', '.join(sorted(
            str(key) for key in keys[kind]))) for kind in sorted(keys))
        return Result(Code.WARNING, _(
            'Usage in open invoice periods has no price for: %s. It is '
            'billed at zero unless priced before the rollover '
            '("rintik-manage price set", "rintik-manage usage '
            'unpriced").') % listed)

    _upgrade_checks = (
        (_('Database at head'), _database_at_head),
        (_('Policy file'), _policy_file),
        (_('Policy file format'), _policy_format),
        (_('Notification settings'), _notification_settings),
        (_('Durable notification queue'), _durable_queue),
        (_('Prices for flavors and volume types in use'), _unpriced_usage),
    )


def _unknown_rules(enforcer):
    """Rule names in the policy file that Rintik does not register and no
    other rule refers to (an alias used as ``rule:NAME`` is fine)."""
    texts = [rule.check_str for rule in enforcer.file_rules.values()]
    texts += [rule.check_str for rule in enforcer.registered_rules.values()]
    return [name for name in sorted(enforcer.file_rules)
            if name not in enforcer.registered_rules and not any(
                re.search(r'\brule:%s(?![\w:.-])' % re.escape(name), text)
                for text in texts)]


def main():
    return upgradecheck.main(CONF, project='rintik',
                             upgrade_command=UpgradeChecks(),
                             argv=sys.argv[1:])
