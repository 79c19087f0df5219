"""The contract every billing handler plugin fulfils.

A handler is the only place that knows a payload's shape: it turns one
notification into facts (observations and project events). Handlers are
pure: no database, no bus, no clock.
"""

import decimal

from rintik import exception


class NotificationHandler:
    """Base class of the ``rintik.handlers`` plugins."""

    #: Exact event types this handler turns into facts.
    event_types = frozenset()

    def __init__(self, conf):
        self.conf = conf

    def handles(self, event_type):
        """Whether this handler understands ``event_type``."""
        return event_type in self.event_types

    def extra_targets(self):
        """(exchange, topic) pairs to consume beyond the configured ones."""
        return []

    def facts(self, event_type, payload):
        """Observations and project events the notification states."""
        raise NotImplementedError()


def require_mapping(payload, key=None):
    """``payload`` (or ``payload[key]``) as a dict, or refuse it."""
    value = payload if key is None else (
        payload.get(key) if isinstance(payload, dict) else None)
    if not isinstance(value, dict):
        raise exception.InvalidNotification(
            'payload has no %s object' % (key or 'JSON'))
    return value


def require_id(mapping, *keys):
    """The first non-empty string among ``keys`` of ``mapping``."""
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            return value
    raise exception.InvalidNotification(
        'payload has no usable %s' % ' or '.join(keys))


def optional_id(mapping, *keys):
    """The first non-empty string among ``keys``, or None."""
    try:
        return require_id(mapping, *keys)
    except exception.InvalidNotification:
        return None


def optional_text(mapping, key):
    value = mapping.get(key)
    return value if isinstance(value, str) else None


def require_quantity(mapping, key):
    """A non-negative whole or decimal number from ``mapping[key]``."""
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise exception.InvalidNotification('payload has no usable %s'
                                            % key)
    try:
        quantity = decimal.Decimal(value)
    except decimal.InvalidOperation:
        raise exception.InvalidNotification('%s is not a number' % key)
    if not quantity.is_finite() or quantity < 0:
        raise exception.InvalidNotification('%s is not a size' % key)
    return quantity
