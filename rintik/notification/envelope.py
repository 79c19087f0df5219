"""The notification envelope: the one shape every entry point feeds in.

An envelope is the dict ``rintik-manage replay`` reads and the quarantine
keeps: ``event_type``, ``publisher_id``, ``timestamp``, ``priority``,
``message_id``, ``payload`` and optionally ``ctxt``.
"""

import datetime
import hashlib

from oslo_serialization import jsonutils

from rintik import exception


def from_listener(message, priority):
    """The envelope of a message an oslo.messaging listener delivered."""
    metadata = message.get('metadata') or {}
    return with_message_id({
        'event_type': message.get('event_type'),
        'publisher_id': message.get('publisher_id'),
        'timestamp': metadata.get('timestamp'),
        'priority': priority.upper(),
        'message_id': metadata.get('message_id'),
        'payload': message.get('payload'),
        'ctxt': message.get('ctxt') or {},
    })


def with_message_id(envelope):
    """``envelope`` itself when it carries a message id, else a copy with
    the id message_id() derives from its content: the id is computed once
    and read from ``envelope['message_id']`` from then on."""
    value = envelope.get('message_id')
    if isinstance(value, str) and value:
        return envelope
    return dict(envelope, message_id=message_id(envelope))


def message_id(envelope):
    """The envelope's message id; an envelope without one (a hand-made
    file) gets a stable id derived from its content."""
    value = envelope.get('message_id')
    if isinstance(value, str) and value:
        return value
    digest = hashlib.sha256(jsonutils.dump_as_bytes(
        envelope, sort_keys=True)).hexdigest()
    return 'sha256-' + digest


def event_time(envelope):
    """The envelope ``timestamp`` as an aware UTC datetime (PRODUCT.md
    §1.1: a time without a zone is UTC)."""
    value = envelope.get('timestamp')
    if not isinstance(value, str):
        raise exception.InvalidNotification('envelope has no timestamp')
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise exception.InvalidNotification(
            'envelope timestamp %r is not a valid time' % value[:64])
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)
