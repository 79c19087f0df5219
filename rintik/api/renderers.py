"""The JSON renderer of every controller."""

import datetime
import decimal
import json

from rintik.common import formats


def _encode(value):
    if isinstance(value, datetime.datetime):
        return formats.iso(value)
    if isinstance(value, decimal.Decimal):
        return format(value, 'f')
    raise TypeError('%s is not JSON serialisable' % type(value).__name__)


def dumps(value):
    """``value`` as JSON: datetimes in the API's one format (formats.iso),
    decimals as strings (never through a binary float)."""
    return json.dumps(value, default=_encode)


class JsonRenderer:
    """pecan's 'json' renderer, replaced by ours."""

    def __init__(self, path, extra_vars):
        pass

    def render(self, template_path, namespace):
        return dumps(namespace)
