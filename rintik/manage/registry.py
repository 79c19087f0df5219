"""The categories of rintik-manage and how they become argparse parsers."""

import inspect

from rintik.manage import billing
from rintik.manage import cloud
from rintik.manage import db
from rintik.manage import metering
from rintik.manage import notification
from rintik.manage import reconcile

# category -> command class; a class with __call__ is a single command,
# otherwise each public method is an action of the category.
CATEGORIES = {
    'db': db.DbCommands,
    'replay': metering.ReplayCommand,
    'quarantine': metering.QuarantineCommands,
    'usage': metering.UsageCommands,
    'handler': metering.HandlerCommands,
    'price': billing.PriceCommands,
    'setting': billing.SettingCommands,
    'billing': billing.BillingCommands,
    'invoice': billing.InvoiceCommands,
    'invoice-rollover': billing.RolloverCommand,
    'live-totals': billing.LiveTotalsCommands,
    'notification': notification.NotificationCommands,
    'check-openstack': cloud.CheckOpenStackCommand,
    'reconcile': reconcile.ReconcileCommand,
}

# Commands that run on a database whose schema is not at head (or that
# do not touch the database); every other one refuses to run there.
WITHOUT_SCHEMA = {('db', 'sync'), ('db', 'version'), ('handler', 'list')}


def works_without_schema(category_namespace):
    """Whether the parsed command runs before ``db sync``."""
    return (category_namespace.name,
            category_namespace.action_name) in WITHOUT_SCHEMA


def _add_arguments(parser, func):
    for args, kwargs in getattr(func, 'args', []):
        parser.add_argument(*args, **kwargs)


def _actions(command_class):
    return [(name, func) for name, func in inspect.getmembers(
        command_class, inspect.isfunction)
        if not name.startswith('_')]


def add_command_parsers(subparsers):
    """Callback of oslo.config's SubCommandOpt: one parser per category."""
    for category, command_class in CATEGORIES.items():
        parser = subparsers.add_parser(category,
                                       help=command_class.description)
        parser.set_defaults(command_class=command_class)
        if callable(getattr(command_class, '__call__', None)) and \
                '__call__' in vars(command_class):
            _add_arguments(parser, command_class.__call__)
            parser.set_defaults(action_name='__call__')
            continue
        actions = parser.add_subparsers(dest='action')
        actions.required = True
        for name, func in _actions(command_class):
            # invoice unpaid_actions is spelt unpaid-actions (CLI.md).
            action = actions.add_parser(
                name.replace('_', '-'),
                help=(func.__doc__ or '').strip().splitlines()[0]
                if func.__doc__ else None)
            action.set_defaults(action_name=name)
            _add_arguments(action, func)


def call(conf, category_namespace):
    """Run the command the parsed command line names."""
    command = category_namespace.command_class(conf)
    func = getattr(command, category_namespace.action_name)
    parameters = inspect.signature(func).parameters
    kwargs = {name: getattr(category_namespace, name)
              for name in parameters}
    return func(**kwargs)
