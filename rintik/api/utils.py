"""Helpers every controller uses: request bodies, query parameters,
datetime inputs, policy and project scope."""

import datetime
import decimal
import json
import re

import jsonschema
from oslo_policy import policy as oslo_policy
import pecan

from rintik.api import errors
from rintik.common import formats
from rintik.common import policy
from rintik import exception

MAX_LIMIT = 1000
NON_FIELD_ERRORS = 'non_field_errors'
_LIMIT_ERROR = {'limit': ['Ensure this value is an integer between 1 and '
                          '%d.' % MAX_LIMIT]}
_DIGITS = re.compile('[0-9]+', re.ASCII)
# Ids are integer columns (32-bit on every backend); project ids are
# models.Project.project_id.
MAX_ID = 2 ** 31 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
MAX_PROJECT_ID = 64
# The moments an input may name: MariaDB stores years 1000-9999, and a
# month or a time zone added to the latest must not overflow.
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
LATEST = datetime.datetime(9998, 12, 31, 23, 59, 59, 999999,
                           tzinfo=datetime.timezone.utc)


class _DuplicateKey(ValueError):

    def __init__(self, key):
        super().__init__(key)
        self.key = key


def _unique_object(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class JsonInt(int):
    """A JSON integer that keeps its text as sent in ``text`` (``-0``
    stays visible)."""

    def __new__(cls, text):
        number = super().__new__(cls, text)
        number.text = text
        return number


class JsonDecimal(decimal.Decimal):
    """A JSON number with a fraction or an exponent, as the Decimal of its
    text (never a binary float), that keeps the text as sent in
    ``text``: money inputs are checked on it (``1e3`` is not money)."""

    def __new__(cls, text):
        number = super().__new__(cls, text)
        number.text = text
        return number


def _no_constant(name):
    raise ValueError('%s is not a number' % name)


def parse_json(body):
    """Decode a request body: integers become JsonInt, other numbers
    JsonDecimal, both keeping their text as sent. Raises BadRequest for a
    body that is not JSON, InvalidFields for a duplicate key or a string
    no database can store."""
    try:
        document = json.loads(body, parse_float=JsonDecimal,
                              parse_int=JsonInt,
                              parse_constant=_no_constant,
                              object_pairs_hook=_unique_object)
    except _DuplicateKey as error:
        raise errors.InvalidFields({error.key: ['Duplicate key.']})
    except (ValueError, RecursionError):
        raise errors.BadRequest('The request body is not valid JSON.')
    unstorable = sorted(_unstorable_strings(document))
    if unstorable:
        raise errors.InvalidFields({field: [
            'Contains a NUL character or an unpaired surrogate.']
            for field in unstorable})
    return document


def _unstorable_strings(document):
    """The dotted paths of the keys and strings in ``document`` that no
    database stores: with NUL (PostgreSQL refuses it) or an unpaired
    surrogate (not UTF-8)."""
    pending = [('', document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                child = path + '.' + key if path else key
                if not _storable(key):
                    yield NON_FIELD_ERRORS
                pending.append((child, item))
        elif isinstance(value, list):
            pending.extend(('%s.%d' % (path, index) if path else str(index),
                            item) for index, item in enumerate(value))
        elif isinstance(value, str) and not _storable(value):
            yield path or NON_FIELD_ERRORS


def _storable(text):
    return '\x00' not in text and _encodable(text)


def validate(schema, document):
    """Check ``document`` against a JSON schema; every violation becomes
    ``{field: [message]}`` in one 400 (``non_field_errors`` for the
    document as a whole)."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    fields = {}
    for error in validator.iter_errors(document):
        for field, message in _field_errors(error):
            fields.setdefault(field, []).append(message)
    if fields:
        raise errors.InvalidFields(fields)


def _field_errors(error):
    path = [str(part) for part in error.absolute_path]
    if error.validator == 'required':
        for name in error.validator_value:
            if name not in error.instance:
                yield '.'.join(path + [name]), 'This field is required.'
    else:
        yield '.'.join(path) or NON_FIELD_ERRORS, error.message


def request_body(schema=None):
    """The current request's JSON body, validated against ``schema``."""
    document = parse_json(pecan.request.body)
    if schema is not None:
        validate(schema, document)
    return document


def pagination(limit=None, marker=None):
    """``(limit, marker)`` from the query: limit 1-1000 or None (all), an
    empty marker is None."""
    if limit is None or limit == '':
        return None, marker or None
    if not _DIGITS.fullmatch(limit) or not 1 <= int(limit) <= MAX_LIMIT:
        raise errors.InvalidFields(_LIMIT_ERROR)
    return int(limit), marker or None


def parse_datetime(value, field):
    """An ISO 8601 input as an aware UTC datetime; no zone means UTC.
    400 naming ``field`` for anything else, or a moment outside
    EARLIEST..LATEST (which every backend stores)."""
    try:
        parsed = datetime.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        parsed = parsed.astimezone(datetime.timezone.utc)
    except (TypeError, ValueError, OverflowError):
        raise errors.InvalidFields(
            {field: ['Enter a valid ISO 8601 datetime.']})
    if not EARLIEST <= parsed <= LATEST:
        raise errors.InvalidFields({field: [
            'Enter a datetime from %s to %s.' % (formats.iso(EARLIEST),
                                                 formats.iso(LATEST))]})
    return parsed


def object_id(value):
    """The integer id named by a path segment or marker; NotFound unless
    it is ASCII digits within the id columns' range."""
    if value is None or not _DIGITS.fullmatch(value):
        raise exception.NotFound()
    digits = value.lstrip('0') or '0'
    if len(digits) > MAX_ID_DIGITS or int(digits) > MAX_ID:
        raise exception.NotFound()
    return int(digits)


def check_project_id(project_id, field='tenant_id'):
    """400 for a project id no project can have: longer than the column,
    or holding a control character (NUL, ...) or an unpaired surrogate."""
    if len(project_id) > MAX_PROJECT_ID or not project_id.isprintable() \
            or not _encodable(project_id):
        raise errors.InvalidFields({field: [
            'Enter a project id of at most %d printable characters.'
            % MAX_PROJECT_ID]})
    return project_id


def _encodable(text):
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def authorize(rule, target=None):
    """Raise 403 unless the caller may do ``rule`` on ``target`` (give
    ``{'project_id': ...}`` for project rules: a missing key denies)."""
    try:
        policy.authorize(pecan.request.context, rule, target or {})
    except (oslo_policy.PolicyNotAuthorized, oslo_policy.InvalidScope):
        raise errors.Forbidden('Policy does not allow %s.' % rule)


def project_scope(tenant_id=None):
    """The project a request is about: ``tenant_id`` if the caller may
    name it (its own project, or any project for an admin), else 403;
    the caller's project when none is given."""
    context = pecan.request.context
    if not tenant_id:
        return context.project_id
    check_project_id(tenant_id)
    if tenant_id != context.project_id and not context.is_admin:
        raise errors.Forbidden('You may only act on your own project.')
    return tenant_id
