"""Building blocks of rintik-manage commands: arguments, output, errors."""

import datetime
import sys

from oslo_serialization import jsonutils

from rintik import exception

EXIT_OK = 0
EXIT_HANDLED_ERROR = 1
EXIT_UNEXPECTED = 255


def args(*args, **kwargs):
    """Attach an argparse argument to a command method."""
    def decorate(func):
        func.__dict__.setdefault('args', []).insert(0, (args, kwargs))
        return func
    return decorate


FORMAT_ARG = args('--format', choices=('table', 'json'), default='table',
                  help='Output format; json prints one JSON document.')


class CommandError(exception.RintikException):
    """A handled failure: its message goes to stderr, exit status 1."""


def parse_time(value):
    """An ISO 8601 time as aware UTC; a time without a zone is UTC."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError('%r is not an ISO 8601 time' % value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def format_time(moment):
    """``YYYY-MM-DDTHH:MM:SSZ`` (whole seconds), or None."""
    if moment is None:
        return None
    return moment.astimezone(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%SZ')


def print_json(document):
    sys.stdout.write(jsonutils.dumps(document, indent=2, sort_keys=True))
    sys.stdout.write('\n')


def print_table(columns, rows):
    """Rows (dicts) under the given column names, aligned."""
    cells = [[str('' if row.get(col) is None else row.get(col))
              for col in columns] for row in rows]
    widths = [max([len(col)] + [len(line[i]) for line in cells])
              for i, col in enumerate(columns)]
    for line in [list(columns)] + cells:
        sys.stdout.write('  '.join(
            cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        sys.stdout.write('\n')


def output(fmt, columns, rows):
    """Print ``rows`` as a table or as one JSON array."""
    if fmt == 'json':
        print_json(rows)
    else:
        print_table(columns, rows)
